import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import {
  ErrorSummary,
  PostForm,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import { ListOf, Query, problems } from '../../platform/http/schemas.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { countryName, languageName, regions } from '../reference/index.ts';
import {
  InitiativeSummary,
  RegistryNav,
  listText,
  themeLabel,
  type Initiative,
} from '../initiatives/index.ts';
import {
  canEditProfile,
  compareProfiles,
  getProfile,
  listProfiles,
  updateProfile,
  type CountryProfile,
} from './countries.service.ts';
import { countrySections } from './countries.sections.ts';
import { PROFILE_FIELDS, type ProfileEntry, type ProfileField } from './countries.ts';
import { seeOther } from '../../web/redirect.ts';

const IsoParams = Type.Object({ iso2: Type.String({ pattern: '^[A-Za-z]{2}$' }) });
const SHOWN = 8;

function Entry(props: { entry: ProfileEntry | undefined }): VNode {
  const view = useView();
  const { t } = view;
  const e = props.entry;
  if (!e) return <p class="as-of">—</p>;
  return (
    <>
      <p>{e.value}</p>
      <p class="as-of">
        {t('countries.profile.asOf', { date: view.formatDate(e.asOf) })}
        {e.sourceUrl ? (
          <>
            {' · '}
            <a href={e.sourceUrl} rel="noopener">
              {t('countries.profile.source')}
            </a>
          </>
        ) : null}
        {e.isDemo ? ` · ${t('countries.profile.demo')}` : null}
      </p>
    </>
  );
}

function InitiativeList(props: { items: Initiative[]; more: string }): VNode {
  const view = useView();
  const { t } = view;
  if (props.items.length === 0) return <p>{t('countries.profile.none')}</p>;
  return (
    <>
      <ul class="results">
        {props.items.slice(0, SHOWN).map((i) => (
          <InitiativeSummary key={i.id} item={i} />
        ))}
      </ul>
      {props.items.length > SHOWN ? (
        <p>
          <a href={view.href(props.more)}>
            {t('countries.profile.more', { count: props.items.length - SHOWN })}
          </a>
        </p>
      ) : null}
    </>
  );
}

function ProfilePage(props: {
  p: CountryProfile;
  regionNames: Map<string, string>;
  canEdit: boolean;
  sections: Array<{ id: string; node: VNode | null }>;
  notice: string | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const { country, entries } = props.p;
  const name = countryName(country.iso2, view.locale, country.name);
  const flags = [
    country.ldc ? t('countries.profile.ldc') : null,
    country.lldc ? t('countries.profile.lldc') : null,
    country.sids ? t('countries.profile.sids') : null,
  ].filter((x): x is string => !!x);
  const catalogue = new URLSearchParams();
  for (const l of country.languages) catalogue.append('language', l);
  return (
    <>
      <RegistryNav />
      <JsonLd data={{ '@type': 'Country', name: country.name, identifier: country.iso2 }} />
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <h1>{name}</h1>
      <dl class="facts">
        <dt>{t('countries.profile.region')}</dt>
        <dd>
          {[country.intermediateRegion, country.subRegion, country.region]
            .filter((r): r is string => !!r)
            .map((r) => props.regionNames.get(r) ?? r)
            .join(', ')}
        </dd>
        {country.unGroup ? (
          <>
            <dt>{t('countries.profile.unGroup')}</dt>
            <dd>{t(`countries.unGroup.${country.unGroup}`)}</dd>
          </>
        ) : null}
        {flags.length ? (
          <>
            <dt>{t('countries.profile.flags')}</dt>
            <dd>{listText(flags, view.locale)}</dd>
          </>
        ) : null}
        {country.languages.length ? (
          <>
            <dt>{t('countries.profile.languages')}</dt>
            <dd>
              {listText(
                country.languages.map((l) => languageName(l, view.locale)),
                view.locale,
              )}
            </dd>
          </>
        ) : null}
      </dl>
      {props.canEdit ? (
        <p>
          <a
            class="button secondary"
            href={view.href(`/countries/${country.iso2.toLowerCase()}/edit`)}
          >
            {t('countries.profile.edit')}
          </a>
        </p>
      ) : null}
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('countries.title')}</h2>
        {entries.length ? (
          PROFILE_FIELDS.filter((f) => entries.some((e) => e.field === f)).map((f) => (
            <div key={f}>
              <h3>{t(`countries.field.${f}`)}</h3>
              <Entry entry={entries.find((e) => e.field === f)} />
            </div>
          ))
        ) : (
          <p>{t('countries.profile.noEntries')}</p>
        )}
      </section>
      <section aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">{t('countries.profile.memberships')}</h2>
        {props.p.memberships.length ? (
          <ul class="columns">
            {props.p.memberships.map((o) => (
              <li key={o.id}>
                <a href={view.href(`/organisations/${o.slug}`)}>
                  {o.acronym ? `${o.name} (${o.acronym})` : o.name}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('countries.profile.noMemberships')}</p>
        )}
      </section>
      <section aria-labelledby="received-heading">
        <h2 id="received-heading">{t('countries.profile.received')}</h2>
        <InitiativeList items={props.p.received} more={`/initiatives?country=${country.iso2}`} />
      </section>
      <section aria-labelledby="delivered-heading">
        <h2 id="delivered-heading">{t('countries.profile.delivered')}</h2>
        <InitiativeList items={props.p.delivered} more={`/initiatives?country=${country.iso2}`} />
      </section>
      <section aria-labelledby="needs-heading">
        <h2 id="needs-heading">{t('countries.profile.needs')}</h2>
        {props.p.needs.length ? (
          <ul>
            {props.p.needs.map((n) => (
              <li key={n.id}>
                <a href={view.href(`/needs/${n.slug}`)}>{n.title}</a> —{' '}
                {listText(
                  n.themes.map((c) => themeLabel(t, c)),
                  view.locale,
                )}{' '}
                ({t(`initiatives.needs.statuses.${n.status}`)})
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('countries.profile.none')}</p>
        )}
      </section>
      {props.sections.map((s) => (s.node ? <div key={s.id}>{s.node}</div> : null))}
      {props.sections.some((s) => s.id === 'resources') || country.languages.length === 0 ? null : (
        <section aria-labelledby="resources-heading">
          <h2 id="resources-heading">{t('countries.profile.resources')}</h2>
          <p>
            <a href={`${view.href('/catalogue')}?${catalogue.toString()}`}>
              {t('countries.profile.resourcesLink', {
                languages: listText(
                  country.languages.map((l) => languageName(l, view.locale)),
                  view.locale,
                ),
              })}
            </a>
          </p>
        </section>
      )}
    </>
  );
}

function ListPage(props: { list: Awaited<ReturnType<typeof listProfiles>> }): VNode {
  const view = useView();
  const { t } = view;
  const named = props.list
    .map((x) => ({ ...x, name: countryName(x.country.iso2, view.locale, x.country.name) }))
    .sort((a, b) => b.fields - a.fields || a.name.localeCompare(b.name, view.locale));
  const options = [...named].sort((a, b) => a.name.localeCompare(b.name, view.locale));
  const select = (id: string, label: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name="c">
        <option value="">{t('countries.list.none')}</option>
        {options.map((x) => (
          <option key={x.country.iso2} value={x.country.iso2}>
            {x.name}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <>
      <RegistryNav />
      <h1>{t('countries.title')}</h1>
      <p class="lead">{t('countries.intro')}</p>
      <form
        method="get"
        action={view.href('/countries/compare')}
        class="search-inline"
        aria-labelledby="compare-heading"
      >
        <h2 id="compare-heading">{t('countries.list.compare')}</h2>
        <p class="hint">{t('countries.list.compareHint')}</p>
        {select('c1', t('countries.list.first'))}
        {select('c2', t('countries.list.second'))}
        {select('c3', t('countries.list.third'))}
        <button type="submit">{t('countries.list.submit')}</button>
      </form>
      <ul class="columns">
        {named.map((x) => (
          <li key={x.country.iso2}>
            <a href={view.href(`/countries/${x.country.iso2.toLowerCase()}`)}>{x.name}</a>
            {x.fields ? (
              <span class="as-of">
                {' '}
                ({t('countries.list.fields', { count: x.fields })}
                {x.latest
                  ? `, ${t('countries.list.updated', { date: view.formatDate(x.latest) })}`
                  : ''}
                )
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function ComparePage(props: { profiles: CountryProfile[] }): VNode {
  const view = useView();
  const { t } = view;
  const names = props.profiles.map((p) => countryName(p.country.iso2, view.locale, p.country.name));
  return (
    <>
      <RegistryNav />
      <h1>{t('countries.compare.title', { countries: listText(names, view.locale) })}</h1>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('countries.compare.field')}</th>
              {props.profiles.map((p, k) => (
                <th scope="col" key={p.country.iso2}>
                  <a href={view.href(`/countries/${p.country.iso2.toLowerCase()}`)}>{names[k]}</a>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PROFILE_FIELDS.filter((f) =>
              props.profiles.some((p) => p.entries.some((e) => e.field === f)),
            ).map((f) => (
              <tr key={f}>
                <th scope="row">{t(`countries.field.${f}`)}</th>
                {props.profiles.map((p) => (
                  <td key={p.country.iso2}>
                    <Entry entry={p.entries.find((e) => e.field === f)} />
                  </td>
                ))}
              </tr>
            ))}
            <tr>
              <th scope="row">{t('countries.profile.memberships')}</th>
              {props.profiles.map((p) => (
                <td key={p.country.iso2}>
                  {p.memberships.map((o) => o.acronym ?? o.name).join(', ') || '—'}
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t('countries.profile.received')}</th>
              {props.profiles.map((p) => (
                <td key={p.country.iso2}>{p.received.length}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t('countries.profile.delivered')}</th>
              {props.profiles.map((p) => (
                <td key={p.country.iso2}>{p.delivered.length}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t('countries.profile.needs')}</th>
              {props.profiles.map((p) => (
                <td key={p.country.iso2}>{p.needs.length}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </>
  );
}

type EditValues = Record<string, string | undefined>;

function EditPage(props: { p: CountryProfile; values: EditValues; errors: FormErrors }): VNode {
  const view = useView();
  const { t } = view;
  const name = countryName(props.p.country.iso2, view.locale, props.p.country.name);
  return (
    <>
      <RegistryNav />
      <h1>{t('countries.edit.title', { country: name })}</h1>
      <p>{t('countries.edit.intro')}</p>
      <ErrorSummary errors={props.errors} />
      <PostForm action={`/countries/${props.p.country.iso2.toLowerCase()}/edit`}>
        {PROFILE_FIELDS.map((f) => (
          <fieldset key={f} class="field">
            <legend>{t(`countries.field.${f}`)}</legend>
            {(['', '-source', '-asOf'] as const).map((suffix) => {
              const key = `${f}${suffix}`;
              const error = props.errors[key];
              const label =
                suffix === ''
                  ? t(`countries.field.${f}`)
                  : suffix === '-source'
                    ? t('countries.edit.source')
                    : t('countries.edit.asOf');
              return (
                <div key={key} class={error ? 'field has-error' : 'field'}>
                  <label for={`field-${key}`}>{label}</label>
                  {error ? (
                    <p class="error" id={`error-${key}`}>
                      {error}
                    </p>
                  ) : null}
                  {suffix === '' ? (
                    <textarea
                      id={`field-${key}`}
                      name={key}
                      rows={3}
                      aria-describedby={error ? `error-${key}` : undefined}
                    >
                      {props.values[key] ?? ''}
                    </textarea>
                  ) : (
                    <input
                      id={`field-${key}`}
                      name={key}
                      type={suffix === '-asOf' ? 'date' : 'url'}
                      value={props.values[key] ?? ''}
                      aria-describedby={error ? `error-${key}` : undefined}
                    />
                  )}
                </div>
              );
            })}
          </fieldset>
        ))}
        <button type="submit">{t('countries.edit.save')}</button>
      </PostForm>
    </>
  );
}

function valuesOf(p: CountryProfile): EditValues {
  const out: EditValues = {};
  for (const e of p.entries) {
    out[e.field] = e.value;
    out[`${e.field}-source`] = e.sourceUrl ?? '';
    out[`${e.field}-asOf`] = e.asOf;
  }
  return out;
}

async function renderProfile(
  request: FastifyRequest,
  reply: FastifyReply,
  iso2: string,
  notice: string | null,
) {
  const ctx = request.ctx;
  const p = await getProfile(ctx, iso2);
  const [regionList, editable, sections] = await Promise.all([
    regions(ctx),
    canEditProfile(ctx, p.country.iso2),
    Promise.all(
      countrySections().map(async (s) => {
        const data = await s.load(ctx, p);
        return { id: s.id, node: data === null ? null : <s.Component data={data} profile={p} /> };
      }),
    ),
  ]);
  return sendPage(
    request,
    reply,
    {
      title: countryName(p.country.iso2, request.locale, p.country.name),
      description: request.t('countries.intro'),
      canonical: `/countries/${p.country.iso2.toLowerCase()}`,
    },
    <ProfilePage
      p={p}
      regionNames={new Map(regionList.map((r) => [r.slug, r.name]))}
      canEdit={editable}
      sections={sections}
      notice={notice}
    />,
  );
}

const EntrySchema = Type.Object({
  field: Type.String(),
  value: Type.String(),
  sourceUrl: Type.Union([Type.String(), Type.Null()]),
  asOf: Type.String(),
});
const Ref = Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String() });
const ProfileSchema = Type.Object({
  iso2: Type.String(),
  name: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  subRegion: Type.Union([Type.String(), Type.Null()]),
  unGroup: Type.Union([Type.String(), Type.Null()]),
  ldc: Type.Boolean(),
  lldc: Type.Boolean(),
  sids: Type.Boolean(),
  languages: Type.Array(Type.String()),
  fields: Type.Array(EntrySchema),
  memberships: Type.Array(
    Type.Object({
      id: Type.String(),
      slug: Type.String(),
      name: Type.String(),
      acronym: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  initiatives: Type.Object({ received: Type.Array(Ref), delivered: Type.Array(Ref) }),
  needs: Type.Array(
    Type.Object({
      id: Type.String(),
      slug: Type.String(),
      title: Type.String(),
      status: Type.String(),
      themes: Type.Array(Type.String()),
    }),
  ),
});

function profileApi(p: CountryProfile) {
  const ref = (i: Initiative) => ({ id: i.id, slug: i.slug, title: i.title });
  return {
    iso2: p.country.iso2,
    name: p.country.name,
    region: p.country.region,
    subRegion: p.country.subRegion,
    unGroup: p.country.unGroup,
    ldc: p.country.ldc,
    lldc: p.country.lldc,
    sids: p.country.sids,
    languages: p.country.languages,
    fields: p.entries.map((e) => ({
      field: e.field,
      value: e.value,
      sourceUrl: e.sourceUrl,
      asOf: e.asOf,
    })),
    memberships: p.memberships.map((o) => ({
      id: o.id,
      slug: o.slug,
      name: o.name,
      acronym: o.acronym,
    })),
    initiatives: { received: p.received.map(ref), delivered: p.delivered.map(ref) },
    needs: p.needs.map((n) => ({
      id: n.id,
      slug: n.slug,
      title: n.title,
      status: n.status,
      themes: n.themes,
    })),
  };
}

export async function countriesRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/countries',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const list = await listProfiles(request.ctx);
      return sendPage(
        request,
        reply,
        { title: request.t('countries.title'), description: request.t('countries.intro') },
        <ListPage list={list} />,
      );
    },
  );

  app.get(
    '/countries/compare',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: {
        hide: true,
        querystring: Query({
          c: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 3 })),
        }),
      },
    },
    async (request, reply) => {
      const profiles = await compareProfiles(
        request.ctx,
        (request.query as { c?: string[] }).c ?? [],
      );
      const names = profiles.map((p) =>
        countryName(p.country.iso2, request.locale, p.country.name),
      );
      return sendPage(
        request,
        reply,
        { title: request.t('countries.compare.title', { countries: names.join(', ') }) },
        <ComparePage profiles={profiles} />,
      );
    },
  );

  app.get(
    '/countries/:iso2',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: IsoParams,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 10 })) }),
      },
    },
    async (request, reply) =>
      renderProfile(
        request,
        reply,
        (request.params as { iso2: string }).iso2,
        (request.query as { done?: string }).done === 'saved'
          ? request.t('countries.edit.saved')
          : null,
      ),
  );

  app.get(
    '/countries/:iso2/edit',
    { config: { page: true }, schema: { hide: true, params: IsoParams } },
    async (request, reply) => {
      const p = await getProfile(request.ctx, (request.params as { iso2: string }).iso2);
      if (!(await canEditProfile(request.ctx, p.country.iso2))) {
        throw request.actor.userId
          ? AppError.forbidden()
          : new AppError('unauthenticated', request.t('errors.title.unauthenticated'));
      }
      return sendPage(
        request,
        reply,
        { title: request.t('countries.edit.title', { country: p.country.name }) },
        <EditPage p={p} values={valuesOf(p)} errors={{}} />,
      );
    },
  );

  app.post(
    '/countries/:iso2/edit',
    { config: { page: true }, schema: { hide: true, params: IsoParams } },
    async (request, reply) => {
      const iso2 = (request.params as { iso2: string }).iso2;
      const values = (request.body ?? {}) as EditValues;
      const input: Partial<
        Record<ProfileField, { value?: string; sourceUrl?: string; asOf?: string }>
      > = {};
      for (const f of PROFILE_FIELDS) {
        const value = values[f];
        if (value === undefined) continue;
        input[f] = { value, sourceUrl: values[`${f}-source`], asOf: values[`${f}-asOf`] };
      }
      try {
        const p = await updateProfile(request.ctx, iso2, input);
        return seeOther(request, reply, `/countries/${p.country.iso2.toLowerCase()}?done=saved`);
      } catch (error) {
        if (isAppError(error) && error.code === 'validation') {
          const p = await getProfile(request.ctx, iso2);
          return sendPage(
            request,
            reply,
            { title: request.t('countries.edit.title', { country: p.country.name }), status: 422 },
            <EditPage p={p} values={values} errors={errorsByField(error.errors)} />,
          );
        }
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/countries',
    {
      schema: {
        tags: ['countries'],
        summary: 'Countries with the number of profile entries and the date of the latest',
        querystring: Query({}),
        response: {
          200: ListOf(
            Type.Object({
              iso2: Type.String(),
              name: Type.String(),
              fields: Type.Integer(),
              latest: Type.Union([Type.String(), Type.Null()]),
            }),
          ),
        },
      },
    },
    async (request) => {
      const items = (await listProfiles(request.ctx)).map((x) => ({
        iso2: x.country.iso2,
        name: x.country.name,
        fields: x.fields,
        latest: x.latest,
      }));
      return { items, total: items.length, page: 1, pageSize: items.length };
    },
  );

  app.get(
    '/api/v1/countries/:iso2',
    {
      schema: {
        tags: ['countries'],
        summary:
          'A country profile: dated fields, memberships, initiatives received and delivered, needs',
        params: IsoParams,
        response: { 200: ProfileSchema, ...problems(404) },
      },
    },
    async (request) =>
      profileApi(await getProfile(request.ctx, (request.params as { iso2: string }).iso2)),
  );
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Fragment, type VNode } from 'preact';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { validate } from '../../platform/validation.ts';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
  type Option,
} from '../../web/components/form.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { rateLimitedForm } from '../../web/rate-limited.ts';
import { sendPage, useView, type View } from '../../web/view.tsx';
import {
  TAXONOMIES,
  countryName,
  languageName,
  languages as listLanguages,
  regions as listRegions,
  type TaxonomyName,
} from '../reference/index.ts';
import {
  AVAILABILITY,
  LINK_KINDS,
  PROFILE_FIELDS,
  VISIBILITIES,
  DEFAULT_VISIBILITY,
  type ExpertProfile,
  type ExpertView,
  type ProfileField,
  type Visibility,
} from './experts.ts';
import { AVAILABLE_FILTER, ExpertQuery } from './experts.schemas.ts';
import {
  deleteMyProfile,
  getExpert,
  getMyProfile,
  saveMyProfile,
  searchExperts,
  type ExpertPage,
} from './experts.service.ts';
import { seeOther } from '../../web/redirect.ts';

type Body = Record<string, string | string[] | undefined>;

const asArray = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const asString = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');

/** A term's label in the reader's language when the catalogue has it, else in English. */
export function termLabel(t: View['t'], taxonomy: TaxonomyName, code: string): string {
  const key = `taxonomy.${taxonomy}.${code}`;
  const translated = t(key);
  if (translated !== key) return translated;
  const term = (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string; label: string }>).find(
    (x) => x.code === code,
  );
  return term?.label ?? code;
}

function termOptions(t: View['t'], taxonomy: TaxonomyName): Option[] {
  return (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string }>).map((term) => ({
    value: term.code,
    label: termLabel(t, taxonomy, term.code),
  }));
}

interface Lookups {
  regionNames: Map<string, string>;
  languageOptions: Option[];
  regionOptions: Option[];
}

async function lookups(request: FastifyRequest): Promise<Lookups> {
  const [regionRows, languageRows] = await Promise.all([
    listRegions(request.ctx),
    listLanguages(request.ctx),
  ]);
  const regionNames = new Map(regionRows.map((r) => [r.slug, r.name]));
  const collator = new Intl.Collator(request.locale);
  return {
    regionNames,
    regionOptions: regionRows.map((r) => ({
      value: r.slug,
      label: placeLabel(request.t, regionNames, r.slug, request.locale),
    })),
    languageOptions: languageRows
      .map((l) => ({ value: l.code, label: languageName(l.code, request.locale) }))
      .sort((a, b) => collator.compare(a.label, b.label)),
  };
}

function placeLabel(
  t: View['t'],
  regionNames: Map<string, string>,
  code: string,
  locale: string,
): string {
  const region = regionNames.get(code);
  if (region !== undefined) {
    const key = `taxonomy.region.${code}`;
    const translated = t(key);
    return translated === key ? region : translated;
  }
  return countryName(code, locale);
}

function ExpertFacts(props: { expert: ExpertView; lookups: Lookups; compact?: boolean }): VNode {
  const view = useView();
  const { t } = view;
  const e = props.expert;
  const place = (code: string) => placeLabel(t, props.lookups.regionNames, code, view.locale);
  const badge = (field: ProfileField) =>
    e.visibility ? (
      <span class="tag">{t(`experts.visibility.short.${e.visibility[field]}`)}</span>
    ) : null;
  const rows: Array<{ field: ProfileField; label: string; value: VNode | string | null }> = [
    {
      field: 'expertise',
      label: t('experts.field.expertise'),
      value:
        e.themes && (e.themes.length || e.cmmDimensions?.length) ? (
          <>
            {[
              ...e.themes.map((c) => termLabel(t, 'theme', c)),
              ...(e.cmmDimensions ?? []).map((c) => termLabel(t, 'cmmDimension', c)),
            ].join(' · ')}
          </>
        ) : null,
    },
    {
      field: 'languages',
      label: t('experts.field.languages'),
      value: e.languages?.length
        ? e.languages.map((l) => languageName(l, view.locale)).join(', ')
        : null,
    },
    {
      field: 'experience',
      label: t('experts.field.experience'),
      value:
        e.regions && (e.regions.length || e.countries?.length)
          ? [...e.regions, ...(e.countries ?? [])].map(place).join(', ')
          : null,
    },
    {
      field: 'stakeholderGroup',
      label: t('experts.field.stakeholderGroup'),
      value: e.stakeholderGroup ? termLabel(t, 'stakeholderGroup', e.stakeholderGroup) : null,
    },
    {
      field: 'organisation',
      label: t('experts.field.organisation'),
      value: e.organisation ? (
        e.organisation.slug ? (
          <a href={view.href(`/organisations/${e.organisation.slug}`)}>{e.organisation.name}</a>
        ) : (
          e.organisation.name
        )
      ) : null,
    },
    {
      field: 'availability',
      label: t('experts.field.availability'),
      value:
        e.availableFor && (e.availableFor.length || e.availabilityNote) ? (
          <>
            {e.availableFor.map((a) => t(`experts.available.${a}`)).join(', ')}
            {e.availabilityNote ? ` — ${e.availabilityNote}` : ''}
          </>
        ) : null,
    },
  ];
  const shown = rows.filter((r) => r.value !== null);
  if (props.compact) {
    return (
      <ul class="meta">
        {shown.map((r) => (
          <li key={r.field}>
            <span class="visually-hidden">{r.label}: </span>
            {r.value}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <dl class="facts">
      {shown.map((r) => (
        <Fragment key={r.field}>
          <dt>
            {r.label} {badge(r.field)}
          </dt>
          <dd>{r.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

function ExpertName(props: { expert: ExpertView }): VNode {
  const t = useView().t;
  return (
    <>
      {props.expert.name ?? t('experts.hiddenName')}
      {props.expert.isDemo ? <span class="tag"> {t('experts.demo')}</span> : null}
    </>
  );
}

function SearchForm(props: { query: Record<string, string>; lookups: Lookups }): VNode {
  const view = useView();
  const { t } = view;
  const q = props.query;
  return (
    <form method="get" action={view.href('/experts')} class="facets" role="search">
      <TextField name="q" label={t('experts.search.q')} type="search" value={q.q} />
      <SelectField
        name="theme"
        label={t('experts.field.theme')}
        value={q.theme}
        emptyLabel={t('experts.search.any')}
        options={termOptions(t, 'theme')}
      />
      <SelectField
        name="language"
        label={t('experts.field.language')}
        value={q.language}
        emptyLabel={t('experts.search.any')}
        options={props.lookups.languageOptions}
      />
      <SelectField
        name="region"
        label={t('experts.field.region')}
        value={q.region}
        emptyLabel={t('experts.search.any')}
        options={props.lookups.regionOptions}
      />
      <SelectField
        name="stakeholderGroup"
        label={t('experts.field.stakeholderGroup')}
        value={q.stakeholderGroup}
        emptyLabel={t('experts.search.any')}
        options={termOptions(t, 'stakeholderGroup')}
      />
      <SelectField
        name="available"
        label={t('experts.field.available')}
        value={q.available}
        emptyLabel={t('experts.search.anyAvailability')}
        options={AVAILABLE_FILTER.map((a) => ({
          value: a,
          label: t(`experts.availableFilter.${a}`),
        }))}
      />
      <button type="submit">{t('experts.search.submit')}</button>
    </form>
  );
}

function ExpertList(props: {
  result: ExpertPage | null;
  errors: FieldError[];
  query: Record<string, string>;
  lookups: Lookups;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('experts.title')}</h1>
      <p class="lead">{t('experts.intro')}</p>
      {view.actor.userId ? (
        <p>
          <a href={view.href('/account/expert-profile')}>{t('experts.editOwn')}</a>
        </p>
      ) : (
        <p class="notice">{t('experts.signInForMore')}</p>
      )}
      <div class="layout-with-aside">
        <aside>
          <SearchForm query={props.query} lookups={props.lookups} />
        </aside>
        <section aria-labelledby="expert-results">
          <h2 id="expert-results">
            {props.result
              ? t('experts.results', { count: props.result.total })
              : t('experts.noResults')}
          </h2>
          {props.errors.length ? <ErrorSummary errors={errorsByField(props.errors)} /> : null}
          {props.result && props.result.items.length ? (
            <ul class="results">
              {props.result.items.map((e) => (
                <li key={e.id}>
                  <article class="expert-card" id={`expert-${e.id}`}>
                    <h3>
                      <a href={view.href(`/experts/${e.id}`)}>
                        <ExpertName expert={e} />
                      </a>
                    </h3>
                    {e.about ? <p>{excerpt(e.about, 240)}</p> : null}
                    <ExpertFacts expert={e} lookups={props.lookups} compact />
                  </article>
                </li>
              ))}
            </ul>
          ) : null}
          {props.result ? (
            <Pagination
              page={props.result.page}
              pageSize={props.result.pageSize}
              total={props.result.total}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

function ExpertPageContent(props: { expert: ExpertView; lookups: Lookups; saved: boolean }) {
  const view = useView();
  const { t } = view;
  const e = props.expert;
  return (
    <article>
      {props.saved ? (
        <p class="notice ok" role="status">
          {t('experts.saved')}
        </p>
      ) : null}
      <p>
        <a href={view.href('/experts')}>{t('experts.back')}</a>
      </p>
      <h1>
        <ExpertName expert={e} />
      </h1>
      {e.isDemo ? <p class="notice warn">{t('experts.demoNotice')}</p> : null}
      {e.isOwner ? (
        <p class="notice">
          {e.listed ? t('experts.ownerNotice') : t('experts.unlistedNotice')}{' '}
          <a href={view.href('/account/expert-profile')}>{t('experts.edit')}</a>
        </p>
      ) : null}
      {e.visibility ? (
        <ul class="meta">
          {(['name', 'about', 'links'] as const).map((field) => (
            <li key={field}>
              {t(`experts.field.${field}`)}:{' '}
              <span class="tag">{t(`experts.visibility.short.${e.visibility![field]}`)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {e.about ? <p class="lead">{e.about}</p> : null}
      <ExpertFacts expert={e} lookups={props.lookups} />
      {e.links?.length ? (
        <section aria-labelledby="expert-links">
          <h2 id="expert-links">{t('experts.field.links')}</h2>
          <ul>
            {e.links.map((l, i) => (
              <li key={i}>
                {t(`experts.linkKind.${l.kind}`)}:{' '}
                {l.href.startsWith('/') ? (
                  <a href={view.href(l.href)}>{l.label}</a>
                ) : (
                  <a href={l.href} rel="nofollow ugc noopener">
                    {l.label}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

/** The profile form's values, as typed (kept when the form comes back with errors). */
interface FormState {
  listed: boolean;
  name: string;
  about: string;
  themes: string[];
  cmmDimensions: string[];
  languages: string;
  regions: string[];
  countries: string;
  stakeholderGroup: string;
  organisation: string;
  availableFor: string[];
  availabilityNote: string;
  links: Array<{ kind: string; label: string; href: string }>;
  visibility: Record<ProfileField, string>;
}

const LINK_ROWS = 3;

function stateFromProfile(profile: ExpertProfile | null, displayName: string): FormState {
  return {
    listed: profile?.listed ?? true,
    name: profile?.name ?? displayName,
    about: profile?.about ?? '',
    themes: profile?.themes ?? [],
    cmmDimensions: profile?.cmmDimensions ?? [],
    languages: (profile?.languages ?? []).map((l) => languageName(l, 'en')).join(', '),
    regions: profile?.regions ?? [],
    countries: (profile?.countries ?? []).join(', '),
    stakeholderGroup: profile?.stakeholderGroup ?? '',
    organisation: profile?.organisation?.slug ?? profile?.organisation?.name ?? '',
    availableFor: profile?.availableFor ?? [],
    availabilityNote: profile?.availabilityNote ?? '',
    links: profile?.links ?? [],
    visibility: { ...(profile?.visibility ?? DEFAULT_VISIBILITY) },
  };
}

const split = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

function stateFromForm(body: Body): FormState {
  const kinds = asArray(body.linkKind);
  const labels = asArray(body.linkLabel);
  const hrefs = asArray(body.linkHref);
  const links = [];
  for (let i = 0; i < Math.max(kinds.length, labels.length, hrefs.length); i++) {
    links.push({ kind: kinds[i] ?? '', label: labels[i] ?? '', href: hrefs[i] ?? '' });
  }
  return {
    listed: asString(body.listed) === 'yes',
    name: asString(body.name),
    about: asString(body.about),
    themes: asArray(body.themes),
    cmmDimensions: asArray(body.cmmDimensions),
    languages: asString(body.languages),
    regions: asArray(body.regions),
    countries: asString(body.countries),
    stakeholderGroup: asString(body.stakeholderGroup),
    organisation: asString(body.organisation),
    availableFor: asArray(body.availableFor),
    availabilityNote: asString(body.availabilityNote),
    links,
    visibility: Object.fromEntries(
      PROFILE_FIELDS.map((f) => [f, asString(body[`visibility_${f}`])]),
    ) as Record<ProfileField, string>,
  };
}

function inputFromState(s: FormState) {
  return {
    listed: s.listed,
    name: s.name,
    about: s.about,
    themes: s.themes,
    cmmDimensions: s.cmmDimensions,
    languages: split(s.languages),
    regions: s.regions,
    countries: split(s.countries),
    stakeholderGroup: s.stakeholderGroup || null,
    organisation: s.organisation.trim() || null,
    availableFor: s.availableFor,
    availabilityNote: s.availabilityNote,
    links: s.links
      .filter((l) => l.label.trim() || l.href.trim())
      .map((l) => ({ kind: l.kind, label: l.label, href: l.href })),
    visibility: s.visibility,
  };
}

/** Service error paths ("/visibility/name", "/links/0/href") → form field names. */
function formErrors(errors: readonly FieldError[]): FormErrors {
  return errorsByField(
    errors.map((e) => {
      const [, first, second] = e.path.split('/');
      if (first === 'visibility' && second) return { ...e, path: `/visibility_${second}` };
      return e;
    }),
  );
}

function VisibilitySelect(props: { field: ProfileField; state: FormState; errors: FormErrors }) {
  const t = useView().t;
  return (
    <SelectField
      name={`visibility_${props.field}`}
      label={t('experts.visibility.label', { field: t(`experts.field.${props.field}`) })}
      value={props.state.visibility[props.field]}
      errors={props.errors}
      options={VISIBILITIES.map((v: Visibility) => ({
        value: v,
        label: t(`experts.visibility.${v}`),
      }))}
    />
  );
}

function ProfileForm(props: {
  state: FormState;
  errors: FormErrors;
  lookups: Lookups;
  exists: boolean;
  profileId: string | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const s = props.state;
  const e = props.errors;
  const links = [...s.links];
  while (links.length < Math.max(LINK_ROWS, s.links.length + 1))
    links.push({ kind: 'resource', label: '', href: '' });
  return (
    <>
      <h1>{t('experts.form.title')}</h1>
      <p class="lead">{t('experts.form.intro')}</p>
      {props.exists && props.profileId ? (
        <p>
          <a href={view.href(`/experts/${props.profileId}`)}>{t('experts.form.view')}</a>
        </p>
      ) : null}
      <ErrorSummary errors={e} />
      <PostForm action="/account/expert-profile">
        <fieldset class="field" id="field-listed">
          <legend>{t('experts.form.listedLegend')}</legend>
          <label class="checkbox">
            <input type="checkbox" name="listed" value="yes" checked={s.listed} />{' '}
            {t('experts.form.listed')}
          </label>
        </fieldset>
        <TextField
          name="name"
          label={t('experts.field.name')}
          value={s.name}
          errors={e}
          required
          maxLength={120}
        />
        <VisibilitySelect field="name" state={s} errors={e} />
        <TextArea
          name="about"
          label={t('experts.field.about')}
          hint={t('experts.form.aboutHint')}
          value={s.about}
          errors={e}
          maxLength={2000}
        />
        <VisibilitySelect field="about" state={s} errors={e} />
        <CheckboxGroup
          name="themes"
          label={t('experts.field.themes')}
          values={s.themes}
          errors={e}
          options={termOptions(t, 'theme')}
        />
        <CheckboxGroup
          name="cmmDimensions"
          label={t('experts.field.cmmDimensions')}
          values={s.cmmDimensions}
          errors={e}
          options={termOptions(t, 'cmmDimension')}
        />
        <VisibilitySelect field="expertise" state={s} errors={e} />
        <TextField
          name="languages"
          label={t('experts.field.languages')}
          hint={t('experts.form.languagesHint')}
          value={s.languages}
          errors={e}
        />
        <VisibilitySelect field="languages" state={s} errors={e} />
        <CheckboxGroup
          name="regions"
          label={t('experts.field.regions')}
          values={s.regions}
          errors={e}
          options={props.lookups.regionOptions}
        />
        <TextField
          name="countries"
          label={t('experts.field.countries')}
          hint={t('experts.form.countriesHint')}
          value={s.countries}
          errors={e}
        />
        <VisibilitySelect field="experience" state={s} errors={e} />
        <SelectField
          name="stakeholderGroup"
          label={t('experts.field.stakeholderGroup')}
          value={s.stakeholderGroup}
          emptyLabel={t('experts.form.none')}
          errors={e}
          options={termOptions(t, 'stakeholderGroup')}
        />
        <VisibilitySelect field="stakeholderGroup" state={s} errors={e} />
        <TextField
          name="organisation"
          label={t('experts.field.organisation')}
          hint={t('experts.form.organisationHint')}
          value={s.organisation}
          errors={e}
          maxLength={200}
        />
        <VisibilitySelect field="organisation" state={s} errors={e} />
        <CheckboxGroup
          name="availableFor"
          label={t('experts.field.availability')}
          values={s.availableFor}
          errors={e}
          options={AVAILABILITY.map((a) => ({ value: a, label: t(`experts.available.${a}`) }))}
        />
        <TextField
          name="availabilityNote"
          label={t('experts.field.availabilityNote')}
          value={s.availabilityNote}
          errors={e}
          maxLength={300}
        />
        <VisibilitySelect field="availability" state={s} errors={e} />
        <fieldset class={e.links ? 'field has-error' : 'field'} id="field-links">
          <legend>{t('experts.field.links')}</legend>
          <p class="hint">{t('experts.form.linksHint')}</p>
          {e.links ? <p class="error">{e.links}</p> : null}
          {links.map((l, i) => (
            <div class="link-row" key={i}>
              <label for={`link-kind-${i}`}>{t('experts.form.linkKind', { n: i + 1 })}</label>
              <select id={`link-kind-${i}`} name="linkKind">
                {LINK_KINDS.map((k) => (
                  <option key={k} value={k} selected={l.kind === k}>
                    {t(`experts.linkKind.${k}`)}
                  </option>
                ))}
              </select>
              <label for={`link-label-${i}`}>{t('experts.form.linkLabel', { n: i + 1 })}</label>
              <input id={`link-label-${i}`} name="linkLabel" type="text" value={l.label} />
              <label for={`link-href-${i}`}>{t('experts.form.linkHref', { n: i + 1 })}</label>
              <input id={`link-href-${i}`} name="linkHref" type="text" value={l.href} />
            </div>
          ))}
        </fieldset>
        <VisibilitySelect field="links" state={s} errors={e} />
        <button type="submit">{t('experts.form.save')}</button>
      </PostForm>
      {props.exists ? (
        <section aria-labelledby="delete-profile">
          <h2 id="delete-profile">{t('experts.form.deleteTitle')}</h2>
          <p>{t('experts.form.deleteText')}</p>
          <PostForm action="/account/expert-profile/delete">
            <button type="submit" class="danger">
              {t('experts.form.delete')}
            </button>
          </PostForm>
        </section>
      ) : null}
    </>
  );
}

/** Query values for the page: empty form fields are no filter. */
function cleanQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && value.trim() !== '') out[k] = value.trim();
  }
  return out;
}

function requireSignedIn(request: FastifyRequest): void {
  if (!request.actor.userId)
    throw new AppError('unauthenticated', request.t('experts.signInToEdit'));
}

export async function expertPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } };

  app.get('/experts', page, async (request, reply) => {
    const query = cleanQuery(request.query);
    const checked = validate(ExpertQuery, query);
    const found = await lookups(request);
    const result = checked.ok ? await searchExperts(request.ctx, checked.value) : null;
    return sendPage(
      request,
      reply,
      {
        title: request.t('experts.title'),
        description: request.t('experts.intro'),
        status: checked.ok ? 200 : 400,
      },
      <ExpertList
        result={result}
        errors={checked.ok ? [] : checked.errors}
        query={query}
        lookups={found}
      />,
    );
  });

  app.get('/experts/:id', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const expert = await getExpert(request.ctx, id);
    const saved = cleanQuery(request.query).saved === '1';
    return sendPage(
      request,
      reply,
      {
        title: expert.name ?? request.t('experts.hiddenName'),
        description: expert.about ? excerpt(expert.about, 160) : undefined,
      },
      <ExpertPageContent expert={expert} lookups={await lookups(request)} saved={saved} />,
    );
  });

  app.get('/account/expert-profile', page, async (request, reply) => {
    requireSignedIn(request);
    const profile = await getMyProfile(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('experts.form.title') },
      <ProfileForm
        state={stateFromProfile(profile, request.actor.label)}
        errors={{}}
        lookups={await lookups(request)}
        exists={!!profile}
        profileId={profile?.id ?? null}
      />,
    );
  });

  app.post('/account/expert-profile', page, async (request, reply) => {
    requireSignedIn(request);
    const state = stateFromForm((request.body ?? {}) as Body);
    try {
      const saved = await saveMyProfile(request.ctx, inputFromState(state));
      return seeOther(request, reply, `/experts/${saved.id}?saved=1`);
    } catch (error) {
      const limited = rateLimitedForm(error, request, reply);
      if (!limited && (!isAppError(error) || error.code !== 'validation')) throw error;
      const existing = await getMyProfile(request.ctx);
      return sendPage(
        request,
        reply,
        { title: request.t('experts.form.title'), status: limited ? 429 : 422 },
        <ProfileForm
          state={state}
          errors={formErrors(limited ?? (error as AppError).errors)}
          lookups={await lookups(request)}
          exists={!!existing}
          profileId={existing?.id ?? null}
        />,
      );
    }
  });

  app.post('/account/expert-profile/delete', page, async (request, reply) => {
    requireSignedIn(request);
    await deleteMyProfile(request.ctx);
    return seeOther(request, reply, '/experts');
  });
}

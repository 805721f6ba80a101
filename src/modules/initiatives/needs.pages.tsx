import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import { Pagination } from '../../web/components/pagination.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { Body, ListOf, Paging, Query, problems } from '../../platform/http/schemas.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { can } from '../accounts/index.ts';
import {
  countries,
  countryName,
  languageName,
  regions,
  TAXONOMIES,
  type Country,
} from '../reference/index.ts';
import {
  canManageNeed,
  getNeed,
  hasSuggestionSource,
  listNeeds,
  makeOffer,
  moveOffer,
  offersFor,
  postNeed,
  setNeedStatus,
  suggestionsFor,
} from './needs.service.ts';
import { NEED_STATUSES, type Need, type Offer } from './needs.ts';
import { RegistryNav } from './initiatives.pages.tsx';
import { listText, themeLabel } from './labels.ts';
import { toApi } from './initiatives.present.ts';
import { seeOther } from '../../web/redirect.ts';

const NeedListQuery = Query({
  country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$' })),
  theme: Type.Optional(Type.String({ maxLength: 40 })),
  status: Type.Optional(Type.Union(NEED_STATUSES.map((s) => Type.Literal(s)))),
  mine: Type.Optional(Type.Boolean()),
  ...Paging,
});
type NeedListQueryT = Static<typeof NeedListQuery>;
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });

const Org = Type.Union([
  Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
  Type.Null(),
]);
const NeedSchema = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  country: Type.Union([Type.String(), Type.Null()]),
  organisation: Org,
  themes: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  startsOn: Type.Union([Type.String(), Type.Null()]),
  endsOn: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdAt: Type.String(),
});
const OfferSchema = Type.Object({
  id: Type.String(),
  organisation: Org,
  initiative: Type.Union([
    Type.Object({ id: Type.String(), slug: Type.String(), title: Type.String() }),
    Type.Null(),
  ]),
  message: Type.String(),
  status: Type.String(),
  responseNote: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
const NeedBody = Body({
  title: Type.String({ maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  country: Type.Optional(Type.Union([Type.String({ maxLength: 2 }), Type.Null()])),
  organisation: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  themes: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 }),
  languages: Type.Optional(Type.Array(Type.String({ maxLength: 2 }), { maxItems: 10 })),
  startsOn: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
  endsOn: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
});
const OfferBody = Body({
  message: Type.String({ maxLength: 3000 }),
  organisation: Type.Optional(Type.String({ maxLength: 100 })),
  initiative: Type.Optional(Type.String({ maxLength: 100 })),
});

function needApi(n: Need) {
  return {
    ...n,
    createdAt: n.createdAt.toISOString(),
    updatedAt: undefined,
    postedBy: undefined,
    isDemo: undefined,
  };
}
function offerApi(o: Offer) {
  return {
    id: o.id,
    organisation: o.organisation,
    initiative: o.initiative,
    message: o.message,
    status: o.status,
    responseNote: o.responseNote,
    createdAt: o.createdAt.toISOString(),
  };
}

function NeedsPage(props: {
  query: NeedListQueryT;
  result: Awaited<ReturnType<typeof listNeeds>>;
  countryList: Country[];
}): VNode {
  const view = useView();
  const { t } = view;
  const q = props.query;
  const mayPost =
    can(view.actor, 'needs.post') ||
    view.actor.grants.some((g) => g.role === 'focal-point' || g.role === 'organisation-rep');
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.needs.title')}</h1>
      <p class="lead">{t('initiatives.needs.intro')}</p>
      {mayPost || view.actor.userId ? (
        <p>
          {mayPost ? (
            <a class="button" href={view.href('/needs/new')}>
              {t('initiatives.needs.post')}
            </a>
          ) : null}{' '}
          {view.actor.userId ? (
            <a href={view.href('/needs?mine=true')}>{t('initiatives.needs.mine')}</a>
          ) : null}
        </p>
      ) : null}
      <div class="layout-with-aside">
        <form
          method="get"
          action={view.href('/needs')}
          class="facets"
          aria-label={t('initiatives.needs.filters')}
        >
          <div class="field">
            <label for="f-country">{t('initiatives.needs.country')}</label>
            <select id="f-country" name="country">
              <option value="">{t('initiatives.search.any')}</option>
              {props.countryList
                .map((c) => ({ v: c.iso2, l: countryName(c.iso2, view.locale, c.name) }))
                .sort((a, b) => a.l.localeCompare(b.l, view.locale))
                .map((c) => (
                  <option key={c.v} value={c.v} selected={c.v === q.country?.toUpperCase()}>
                    {c.l}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="f-theme">{t('initiatives.needs.theme')}</label>
            <select id="f-theme" name="theme">
              <option value="">{t('initiatives.search.any')}</option>
              {TAXONOMIES.theme.map((x) => (
                <option key={x.code} value={x.code} selected={x.code === q.theme}>
                  {themeLabel(t, x.code)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-status">{t('initiatives.needs.status')}</label>
            <select id="f-status" name="status">
              <option value="">{t('initiatives.search.any')}</option>
              {NEED_STATUSES.map((s) => (
                <option key={s} value={s} selected={s === q.status}>
                  {t(`initiatives.needs.statuses.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t('initiatives.needs.submit')}</button>
        </form>
        <section aria-labelledby="needs-heading">
          <h2 id="needs-heading">
            {t('initiatives.needs.results', { count: props.result.total })}
          </h2>
          <ul class="results">
            {props.result.items.map((n) => (
              <li key={n.id}>
                <h3>
                  <a href={view.href(`/needs/${n.slug}`)}>{n.title}</a>
                </h3>
                <ul class="meta">
                  <li>{t(`initiatives.needs.statuses.${n.status}`)}</li>
                  {n.country ? <li>{countryName(n.country, view.locale)}</li> : null}
                  {n.organisation ? <li>{n.organisation.name}</li> : null}
                  <li>
                    {listText(
                      n.themes.map((c) => themeLabel(t, c)),
                      view.locale,
                    )}
                  </li>
                </ul>
              </li>
            ))}
          </ul>
          <Pagination
            page={props.result.page}
            pageSize={props.result.pageSize}
            total={props.result.total}
          />
        </section>
      </div>
    </>
  );
}

function NeedForm(props: {
  values: Record<string, string | string[] | undefined>;
  errors: FormErrors;
  countryList: Country[];
}): VNode {
  const view = useView();
  const { t } = view;
  const v = props.values;
  const one = (x: string | string[] | undefined) => (Array.isArray(x) ? (x[0] ?? '') : (x ?? ''));
  const many = (x: string | string[] | undefined) =>
    x === undefined ? [] : Array.isArray(x) ? x : [x];
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.needs.post')}</h1>
      <ErrorSummary errors={props.errors} />
      <PostForm action="/needs/new">
        <TextField
          name="title"
          label={t('initiatives.needs.form.title')}
          value={one(v.title)}
          errors={props.errors}
          required
          maxLength={200}
        />
        <TextArea
          name="description"
          label={t('initiatives.needs.form.description')}
          hint={t('initiatives.needs.form.descriptionHint')}
          value={one(v.description)}
          errors={props.errors}
        />
        <div class={props.errors.country ? 'field has-error' : 'field'}>
          <label for="field-country">{t('initiatives.needs.form.country')}</label>
          {props.errors.country ? (
            <p class="error" id="error-country">
              {props.errors.country}
            </p>
          ) : null}
          <select
            id="field-country"
            name="country"
            aria-describedby={props.errors.country ? 'error-country' : undefined}
          >
            <option value="">{t('initiatives.needs.form.none')}</option>
            {props.countryList
              .map((c) => ({ v: c.iso2, l: countryName(c.iso2, view.locale, c.name) }))
              .sort((a, b) => a.l.localeCompare(b.l, view.locale))
              .map((c) => (
                <option key={c.v} value={c.v} selected={c.v === one(v.country)}>
                  {c.l}
                </option>
              ))}
          </select>
        </div>
        <TextField
          name="organisation"
          label={t('initiatives.needs.form.organisation')}
          value={one(v.organisation)}
          errors={props.errors}
        />
        <CheckboxGroup
          name="themes"
          label={t('initiatives.needs.form.themes')}
          values={many(v.themes)}
          errors={props.errors}
          options={TAXONOMIES.theme.map((x) => ({ value: x.code, label: themeLabel(t, x.code) }))}
        />
        <TextField
          name="languages"
          label={t('initiatives.needs.form.languages')}
          value={one(v.languages)}
          errors={props.errors}
        />
        <TextField
          name="startsOn"
          type="date"
          label={t('initiatives.needs.form.startsOn')}
          value={one(v.startsOn)}
          errors={props.errors}
        />
        <TextField
          name="endsOn"
          type="date"
          label={t('initiatives.needs.form.endsOn')}
          value={one(v.endsOn)}
          errors={props.errors}
        />
        <button type="submit">{t('initiatives.needs.form.submit')}</button>
      </PostForm>
    </>
  );
}

function NeedPage(props: {
  need: Need;
  offers: Offer[];
  suggestions: Awaited<ReturnType<typeof suggestionsFor>>;
  manage: boolean;
  mayOffer: boolean;
  errors: FormErrors;
  notice: string | null;
  regionNames: Map<string, string>;
}): VNode {
  const view = useView();
  const { t } = view;
  const n = props.need;
  const s = props.suggestions;
  const me = view.actor.userId;
  const catalogueQuery = new URLSearchParams();
  for (const l of n.languages) catalogueQuery.append('language', l);
  for (const th of n.themes) catalogueQuery.append('theme', th);
  return (
    <>
      <RegistryNav />
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <h1>{n.title}</h1>
      <p class="tag">{t(`initiatives.needs.statuses.${n.status}`)}</p>
      <p>{n.description}</p>
      <dl class="facts">
        {n.country ? (
          <>
            <dt>{t('initiatives.needs.country')}</dt>
            <dd>
              <a href={view.href(`/countries/${n.country.toLowerCase()}`)}>
                {countryName(n.country, view.locale)}
              </a>
            </dd>
          </>
        ) : null}
        {n.organisation ? (
          <>
            <dt>{t('initiatives.needs.detail.postedBy')}</dt>
            <dd>
              <a href={view.href(`/organisations/${n.organisation.slug}`)}>{n.organisation.name}</a>
            </dd>
          </>
        ) : null}
        <dt>{t('initiatives.needs.theme')}</dt>
        <dd>
          {listText(
            n.themes.map((c) => themeLabel(t, c)),
            view.locale,
          )}
        </dd>
        {n.languages.length ? (
          <>
            <dt>{t('initiatives.needs.detail.languages')}</dt>
            <dd>
              {listText(
                n.languages.map((l) => languageName(l, view.locale)),
                view.locale,
              )}
            </dd>
          </>
        ) : null}
        {n.startsOn || n.endsOn ? (
          <>
            <dt>{t('initiatives.needs.detail.timeFrame')}</dt>
            <dd>
              {view.formatDate(n.startsOn)} – {view.formatDate(n.endsOn)}
            </dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="suggestions-heading">
        <h2 id="suggestions-heading">{t('initiatives.needs.detail.suggestions')}</h2>
        <h3>{t('initiatives.needs.detail.initiatives')}</h3>
        {s.initiatives.length ? (
          <ul>
            {s.initiatives.map((x) => (
              <li key={x.initiative.id}>
                <a href={view.href(`/initiatives/${x.initiative.slug}`)}>{x.initiative.title}</a>:{' '}
                {t('initiatives.needs.detail.reasonPlace', {
                  themes: listText(
                    x.sharedThemes.map((c) => themeLabel(t, c)),
                    view.locale,
                  ),
                  place:
                    x.place.kind === 'country'
                      ? countryName(x.place.country, view.locale)
                      : (props.regionNames.get(x.place.region) ?? x.place.region),
                })}
                ;{' '}
                {t('initiatives.needs.detail.reasonText', {
                  percent: Math.round(x.textSimilarity * 100),
                })}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.queue.empty')}</p>
        )}
        <h3>{t('initiatives.needs.detail.providers')}</h3>
        {s.providers.length ? (
          <ul>
            {s.providers.map((p) => (
              <li key={p.organisation.id}>
                <a href={view.href(`/organisations/${p.organisation.slug}`)}>
                  {p.organisation.name}
                </a>
                : {t('initiatives.coverage.countryCount', { count: p.initiatives })} —{' '}
                {listText(
                  p.themes.map((c) => themeLabel(t, c)),
                  view.locale,
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.queue.empty')}</p>
        )}
        <h3>{t('initiatives.needs.detail.resources')}</h3>
        {hasSuggestionSource('resources') ? (
          <ul>
            {(s.external.get('resources') ?? []).map((r) => (
              <li key={r.url}>
                <a href={r.url}>{r.title}</a> {r.reasons.join('; ')}
              </li>
            ))}
          </ul>
        ) : (
          <p>
            <a href={`${view.href('/catalogue')}?${catalogueQuery.toString()}`}>
              {t('initiatives.needs.detail.resourcesLink')}
            </a>
          </p>
        )}
      </section>

      <section aria-labelledby="offers-heading">
        <h2 id="offers-heading">{t('initiatives.needs.detail.offers')}</h2>
        {props.offers.length ? (
          <ul class="results">
            {props.offers.map((o) => (
              <li key={o.id}>
                <p>
                  <strong>{o.organisation?.name ?? ''}</strong>{' '}
                  <span class="tag">{t(`initiatives.needs.offerStatuses.${o.status}`)}</span>
                </p>
                <p>{o.message}</p>
                {o.initiative ? (
                  <p>
                    <a href={view.href(`/initiatives/${o.initiative.slug}`)}>
                      {o.initiative.title}
                    </a>
                  </p>
                ) : null}
                {o.responseNote ? <p>{o.responseNote}</p> : null}
                {props.manage && o.status === 'proposed' ? (
                  <PostForm action={`/needs/offers/${o.id}`} class="inline-form">
                    <input type="hidden" name="need" value={n.slug} />
                    <button type="submit" name="status" value="accepted">
                      {t('initiatives.needs.detail.accept')}
                    </button>{' '}
                    <button type="submit" name="status" value="declined" class="secondary">
                      {t('initiatives.needs.detail.decline')}
                    </button>
                  </PostForm>
                ) : null}
                {me &&
                o.offeredBy === me &&
                (o.status === 'proposed' || o.status === 'accepted') ? (
                  <PostForm action={`/needs/offers/${o.id}`} class="inline-form">
                    <input type="hidden" name="need" value={n.slug} />
                    {o.status === 'accepted' ? (
                      <button type="submit" name="status" value="delivered">
                        {t('initiatives.needs.detail.delivered')}
                      </button>
                    ) : null}{' '}
                    <button type="submit" name="status" value="withdrawn" class="secondary">
                      {t('initiatives.needs.detail.withdraw')}
                    </button>
                  </PostForm>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.needs.detail.noOffers')}</p>
        )}
        {props.mayOffer && (n.status === 'open' || n.status === 'in-progress') ? (
          <>
            <h3>{t('initiatives.needs.detail.offer')}</h3>
            <ErrorSummary errors={props.errors} />
            <PostForm action={`/needs/${n.slug}/offers`}>
              <TextArea
                name="message"
                label={t('initiatives.needs.detail.offerMessage')}
                errors={props.errors}
                required
                rows={4}
              />
              <TextField
                name="organisation"
                label={t('initiatives.needs.detail.offerOrganisation')}
                errors={props.errors}
              />
              <TextField
                name="initiative"
                label={t('initiatives.needs.detail.offerInitiative')}
                errors={props.errors}
              />
              <button type="submit">{t('initiatives.needs.detail.sendOffer')}</button>
            </PostForm>
          </>
        ) : null}
        {props.manage ? (
          <PostForm action={`/needs/${n.slug}/status`} class="inline-form">
            <label for="f-need-status">{t('initiatives.needs.detail.setStatus')}</label>{' '}
            <select id="f-need-status" name="status">
              {NEED_STATUSES.map((st) => (
                <option key={st} value={st} selected={st === n.status}>
                  {t(`initiatives.needs.statuses.${st}`)}
                </option>
              ))}
            </select>{' '}
            <button type="submit" class="secondary">
              {t('form.save')}
            </button>
          </PostForm>
        ) : null}
      </section>
    </>
  );
}

async function renderNeed(
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  errors: FormErrors = {},
  status = 200,
  notice: string | null = null,
) {
  const ctx = request.ctx;
  const need = await getNeed(ctx, slug);
  const [offers, suggestions, regionList] = await Promise.all([
    offersFor(ctx, need),
    suggestionsFor(ctx, need),
    regions(ctx),
  ]);
  const mayOffer =
    !!ctx.actor.userId &&
    (can(ctx.actor, 'needs.offer') || ctx.actor.grants.some((g) => g.role === 'organisation-rep'));
  return sendPage(
    request,
    reply,
    { title: need.title, description: need.description.slice(0, 200), status },
    <NeedPage
      need={need}
      offers={offers}
      suggestions={suggestions}
      manage={canManageNeed(ctx, need)}
      mayOffer={mayOffer}
      errors={errors}
      notice={notice}
      regionNames={new Map(regionList.map((r) => [r.slug, r.name]))}
    />,
  );
}

const NOTICES: Record<string, string> = {
  posted: 'initiatives.needs.detail.posted',
  offered: 'initiatives.needs.detail.offered',
  updated: 'initiatives.needs.detail.updated',
};

function needRaw(values: Record<string, string | string[] | undefined>) {
  const one = (x: string | string[] | undefined) => (Array.isArray(x) ? (x[0] ?? '') : (x ?? ''));
  return {
    title: one(values.title),
    description: one(values.description),
    country: one(values.country) || null,
    organisation: one(values.organisation) || null,
    themes:
      values.themes === undefined
        ? []
        : Array.isArray(values.themes)
          ? values.themes
          : [values.themes],
    languages: one(values.languages),
    startsOn: one(values.startsOn) || null,
    endsOn: one(values.endsOn) || null,
  };
}

export async function needsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/needs',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: { hide: true, querystring: NeedListQuery },
    },
    async (request, reply) => {
      const query = request.query as NeedListQueryT;
      const [result, countryList] = await Promise.all([
        listNeeds(request.ctx, query),
        countries(request.ctx),
      ]);
      return sendPage(
        request,
        reply,
        {
          title: request.t('initiatives.needs.title'),
          description: request.t('initiatives.needs.intro'),
        },
        <NeedsPage query={query} result={result} countryList={countryList} />,
      );
    },
  );

  app.get(
    '/needs/new',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      if (!request.actor.userId)
        throw new AppError('unauthenticated', request.t('errors.title.unauthenticated'));
      return sendPage(
        request,
        reply,
        { title: request.t('initiatives.needs.post') },
        <NeedForm values={{}} errors={{}} countryList={await countries(request.ctx)} />,
      );
    },
  );

  app.post(
    '/needs/new',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const values = (request.body ?? {}) as Record<string, string | string[] | undefined>;
      try {
        const need = await postNeed(request.ctx, needRaw(values));
        return seeOther(request, reply, `/needs/${need.slug}?done=posted`);
      } catch (error) {
        if (isAppError(error) && error.code === 'validation') {
          return sendPage(
            request,
            reply,
            { title: request.t('initiatives.needs.post'), status: 422 },
            <NeedForm
              values={values}
              errors={errorsByField(error.errors)}
              countryList={await countries(request.ctx)}
            />,
          );
        }
        throw error;
      }
    },
  );

  app.get(
    '/needs/:slug',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: SlugParams,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (request, reply) => {
      const done = (request.query as { done?: string }).done;
      return renderNeed(
        request,
        reply,
        (request.params as { slug: string }).slug,
        {},
        200,
        done && NOTICES[done] ? request.t(NOTICES[done]!) : null,
      );
    },
  );

  app.post(
    '/needs/:slug/offers',
    { config: { page: true }, schema: { hide: true, params: SlugParams } },
    async (request, reply) => {
      const slug = (request.params as { slug: string }).slug;
      const body = (request.body ?? {}) as Record<string, string>;
      try {
        await makeOffer(request.ctx, slug, {
          message: body.message,
          organisation: body.organisation,
          initiative: body.initiative,
        });
        return seeOther(request, reply, `/needs/${slug}?done=offered`);
      } catch (error) {
        if (isAppError(error) && error.code === 'validation')
          return renderNeed(request, reply, slug, errorsByField(error.errors), 422);
        throw error;
      }
    },
  );

  app.post(
    '/needs/:slug/status',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: SlugParams,
        body: Type.Object({ status: Type.String({ maxLength: 20 }) }),
      },
    },
    async (request, reply) => {
      const need = await setNeedStatus(
        request.ctx,
        (request.params as { slug: string }).slug,
        (request.body as { status: string }).status,
      );
      return seeOther(request, reply, `/needs/${need.slug}?done=updated`);
    },
  );

  app.post(
    '/needs/offers/:id',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          status: Type.String({ maxLength: 20 }),
          need: Type.String({ maxLength: 100 }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      const body = request.body as { status: string; need: string; note?: string };
      await moveOffer(
        request.ctx,
        (request.params as { id: string }).id,
        body.status,
        body.note ?? null,
      );
      const need = await getNeed(request.ctx, body.need);
      return seeOther(request, reply, `/needs/${need.slug}?done=updated`);
    },
  );

  // ---- API ----
  app.get(
    '/api/v1/needs',
    {
      schema: {
        tags: ['needs'],
        summary:
          'Capacity needs posted by countries and organisations (open and in progress unless a status is given)',
        querystring: NeedListQuery,
        response: { 200: ListOf(NeedSchema), ...problems(400) },
      },
    },
    async (request) => {
      const result = await listNeeds(request.ctx, request.query as NeedListQueryT);
      return { ...result, items: result.items.map(needApi) };
    },
  );
  app.post(
    '/api/v1/needs',
    {
      schema: {
        tags: ['needs'],
        summary: 'Post a capacity need (government focal points, organisations, editors)',
        security: [{ bearer: [] }],
        body: NeedBody,
        response: { 201: NeedSchema, ...problems(400, 401, 403, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(needApi(await postNeed(request.ctx, request.body as Record<string, unknown>))),
  );
  app.get(
    '/api/v1/needs/:id',
    {
      schema: {
        tags: ['needs'],
        summary: 'One need with its offers and suggested initiatives and providers',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: {
          200: Type.Object({
            need: NeedSchema,
            offers: Type.Array(OfferSchema),
            suggestions: Type.Object({
              initiatives: Type.Array(
                Type.Object({
                  initiative: Type.Object({
                    id: Type.String(),
                    slug: Type.String(),
                    title: Type.String(),
                  }),
                  score: Type.Number(),
                  reasons: Type.Array(Type.String()),
                }),
              ),
              providers: Type.Array(
                Type.Object({
                  organisation: Type.Object({
                    id: Type.String(),
                    slug: Type.String(),
                    name: Type.String(),
                  }),
                  initiatives: Type.Integer(),
                  themes: Type.Array(Type.String()),
                }),
              ),
            }),
          }),
          ...problems(404),
        },
      },
    },
    async (request) => {
      const need = await getNeed(request.ctx, (request.params as { id: string }).id);
      const [offers, s] = await Promise.all([
        offersFor(request.ctx, need),
        suggestionsFor(request.ctx, need),
      ]);
      const t = request.t;
      return {
        need: needApi(need),
        offers: offers.map(offerApi),
        suggestions: {
          initiatives: s.initiatives.map((x) => ({
            initiative: {
              id: x.initiative.id,
              slug: x.initiative.slug,
              title: toApi(x.initiative).title,
            },
            score: Math.round(x.score * 1000) / 1000,
            reasons: [
              t('initiatives.needs.detail.reasonPlace', {
                themes: listText(
                  x.sharedThemes.map((c) => themeLabel(t, c)),
                  request.locale,
                ),
                place:
                  x.place.kind === 'country'
                    ? countryName(x.place.country, request.locale)
                    : x.place.region,
              }),
              t('initiatives.needs.detail.reasonText', {
                percent: Math.round(x.textSimilarity * 100),
              }),
            ],
          })),
          providers: s.providers.map((p) => ({
            organisation: {
              id: p.organisation.id,
              slug: p.organisation.slug,
              name: p.organisation.name,
            },
            initiatives: p.initiatives,
            themes: p.themes,
          })),
        },
      };
    },
  );
  app.post(
    '/api/v1/needs/:id/offers',
    {
      schema: {
        tags: ['needs'],
        summary: 'Answer a need with an offer',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: OfferBody,
        response: { 201: OfferSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          offerApi(
            await makeOffer(
              request.ctx,
              (request.params as { id: string }).id,
              request.body as never,
            ),
          ),
        ),
  );
  app.patch(
    '/api/v1/needs/:id',
    {
      schema: {
        tags: ['needs'],
        summary: 'Change the status of a need (its poster, its organisation, editors)',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: Body({ status: Type.Union(NEED_STATUSES.map((s) => Type.Literal(s))) }),
        response: { 200: NeedSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      needApi(
        await setNeedStatus(
          request.ctx,
          (request.params as { id: string }).id,
          (request.body as { status: string }).status,
        ),
      ),
  );
  app.patch(
    '/api/v1/offers/:id',
    {
      schema: {
        tags: ['needs'],
        summary:
          "Accept or decline an offer (the need's side), withdraw it or mark it delivered (the provider)",
        security: [{ bearer: [] }],
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Body({
          status: Type.Union(
            ['accepted', 'declined', 'withdrawn', 'delivered'].map((s) => Type.Literal(s)),
          ),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body as { status: string; note?: string };
      await moveOffer(
        request.ctx,
        (request.params as { id: string }).id,
        body.status,
        body.note ?? null,
      );
      return reply.status(204).send();
    },
  );
}

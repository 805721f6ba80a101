/**
 * /catalogue (the search page: a plain GET form, so every search is a shareable URL and works
 * without JavaScript), /catalogue.atom (any search as a feed) and /catalogue/profile ("fits me").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Feed } from 'feed';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  errorsByField,
  PostForm,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { countryName } from '../reference/index.ts';
import { ResourceList, useLanguageName, useTerm } from './catalogue.components.tsx';
import {
  HOUR_BUCKETS,
  searchParamsFrom,
  searchResources,
  type SearchResult,
} from './search.service.ts';
import {
  emptySearch,
  isFiltered,
  toQueryString,
  type ListFilter,
  type SearchParams,
} from './search-params.ts';
import { BUDGETS, FIT_COOKIE, type FitProfile } from './fit.ts';
import { checkProfile, fitProfileFor, saveFitProfile } from './profile.service.ts';
import { pickText, UN_LANGUAGES } from './resources.ts';
import { resourcePath } from './resources.present.ts';
import { seeOther } from '../../web/redirect.ts';
import { catalogueCache } from './catalogue.cache.ts';

const YEAR = 60 * 60 * 24 * 365;

function setFitCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  void reply.setCookie(FIT_COOKIE, value, {
    path: '/',
    sameSite: 'lax',
    httpOnly: true,
    maxAge: YEAR,
    secure: request.server.deps.config.secureCookies,
  });
}

/** Facets shown on the page, in order, with the vocabulary each draws its labels from. */
const FACETS: Array<{ name: ListFilter; taxonomy?: Parameters<ReturnType<typeof useTerm>>[0] }> = [
  { name: 'cost', taxonomy: 'cost' },
  { name: 'format', taxonomy: 'format' },
  { name: 'language' },
  { name: 'theme', taxonomy: 'theme' },
  { name: 'kind', taxonomy: 'resourceKind' },
  { name: 'audience', taxonomy: 'audience' },
  { name: 'level', taxonomy: 'level' },
  { name: 'region' },
  { name: 'country' },
];

function FacetGroup(props: {
  name: ListFilter;
  label: (value: string) => string;
  values: Array<{ value: string; count: number }>;
  selected: readonly string[];
}): VNode | null {
  const { t } = useView();
  const values = props.name === 'country' ? props.values.slice(0, 15) : props.values;
  if (values.length === 0) return null;
  return (
    <fieldset>
      <legend>{t(`catalogue.facet.${props.name}`)}</legend>
      {values.map((v) => (
        <label class="checkbox facet-value" key={v.value}>
          <input
            type="checkbox"
            name={props.name}
            value={v.value}
            checked={props.selected.includes(v.value)}
          />{' '}
          {props.label(v.value)} <span class="count">({v.count})</span>
        </label>
      ))}
    </fieldset>
  );
}

function FitNotice(props: { result: SearchResult | null; profile: FitProfile | null }): VNode {
  const view = useView();
  const { t } = view;
  const language = useLanguageName();
  const profile = props.profile;
  const back = `${view.path}${view.query ? `?${view.query}` : ''}`;
  if (!profile) {
    return (
      <p class="notice fit">
        <a href={view.href('/catalogue/profile')}>{t('catalogue.fit.invite')}</a>
      </p>
    );
  }
  if (!profile.active) {
    return (
      <div class="notice fit">
        <span>{t('catalogue.fit.paused')}</span>{' '}
        <PostForm action="/catalogue/profile/active" class="inline">
          <input type="hidden" name="active" value="1" />
          <input type="hidden" name="back" value={back} />
          <button type="submit" class="link">
            {t('catalogue.fit.resume')}
          </button>
        </PostForm>
      </div>
    );
  }
  const parts: string[] = [];
  if (props.result?.fit.languages) parts.push(profile.languages.map(language).join(', '));
  if (props.result?.fit.cost) parts.push(t(`catalogue.fit.budget.${profile.budget}`));
  if (profile.hoursPerWeek)
    parts.push(t('catalogue.fit.hoursRanked', { hours: profile.hoursPerWeek }));
  return (
    <div class="notice fit">
      <span>
        {parts.length
          ? t('catalogue.fit.applied', { what: parts.join(' · ') })
          : t('catalogue.fit.nothingApplied')}
      </span>{' '}
      <a href={view.href('/catalogue/profile')}>{t('catalogue.fit.change')}</a>{' '}
      <PostForm action="/catalogue/profile/active" class="inline">
        <input type="hidden" name="active" value="0" />
        <input type="hidden" name="back" value={back} />
        <button type="submit" class="link">
          {t('catalogue.fit.pause')}
        </button>
      </PostForm>
    </div>
  );
}

function SearchPage(props: {
  params: SearchParams;
  result: SearchResult | null;
  errors: FieldError[];
  profile: FitProfile | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const term = useTerm();
  const language = useLanguageName();
  const { params, result } = props;
  const facets = result?.facets ?? {};
  const labelFor = (name: ListFilter, taxonomy?: Parameters<typeof term>[0]) => (value: string) =>
    taxonomy
      ? term(taxonomy, value)
      : name === 'language'
        ? language(value)
        : name === 'country'
          ? countryName(value, view.locale)
          : t(`catalogue.region.${value}`);
  const query = toQueryString(params, { page: 1 });
  const formErrors = errorsByField(props.errors);
  return (
    <>
      <h1>{t('catalogue.title')}</h1>
      <p class="lead">{t('catalogue.intro')}</p>
      <form method="get" action={view.href('/catalogue')} role="search" class="catalogue-search">
        <ErrorSummary errors={formErrors} />
        <div class="search-inline">
          <label for="catalogue-q">{t('catalogue.searchLabel')}</label>
          <input id="catalogue-q" type="search" name="q" value={params.q ?? ''} maxLength={200} />
          <button type="submit">{t('catalogue.search')}</button>
        </div>
        <FitNotice result={result} profile={props.profile} />
        <div class="layout-with-aside">
          <aside class="facets" aria-label={t('catalogue.filters')}>
            <h2 class="visually-hidden">{t('catalogue.filters')}</h2>
            <button type="submit" class="secondary">
              {t('catalogue.apply')}
            </button>
            {FACETS.slice(0, 2).map((f) => (
              <FacetGroup
                key={f.name}
                name={f.name}
                label={labelFor(f.name, f.taxonomy)}
                values={facets[f.name] ?? []}
                selected={params[f.name]}
              />
            ))}
            <fieldset>
              <legend>{t('catalogue.facet.maxHours')}</legend>
              <label class="checkbox facet-value">
                <input type="radio" name="maxHours" value="" checked={params.maxHours === null} />{' '}
                {t('catalogue.anyDuration')}
              </label>
              {HOUR_BUCKETS.map((hours) => {
                const count = facets.maxHours?.find((f) => f.value === String(hours))?.count ?? 0;
                return (
                  <label class="checkbox facet-value" key={hours}>
                    <input
                      type="radio"
                      name="maxHours"
                      value={String(hours)}
                      checked={params.maxHours === hours}
                    />{' '}
                    {t('catalogue.atMostHours', { count: hours })}{' '}
                    <span class="count">({count})</span>
                  </label>
                );
              })}
            </fieldset>
            <fieldset>
              <legend>{t('catalogue.facet.enrolmentOpen')}</legend>
              <label class="checkbox facet-value">
                <input
                  type="checkbox"
                  name="enrolmentOpen"
                  value="true"
                  checked={params.enrolmentOpen}
                />{' '}
                {t('catalogue.enrolmentOpen')}{' '}
                <span class="count">({facets.enrolmentOpen?.[0]?.count ?? 0})</span>
              </label>
            </fieldset>
            {FACETS.slice(2).map((f) => (
              <FacetGroup
                key={f.name}
                name={f.name}
                label={labelFor(f.name, f.taxonomy)}
                values={facets[f.name] ?? []}
                selected={params[f.name]}
              />
            ))}
            <button type="submit" class="secondary">
              {t('catalogue.apply')}
            </button>
          </aside>
          <section aria-labelledby="results-heading">
            <div class="results-bar">
              <h2 id="results-heading">
                {result
                  ? t('catalogue.resultCount', { count: result.total })
                  : t('catalogue.noSearch')}
              </h2>
              <label for="catalogue-sort">{t('catalogue.sortBy')}</label>{' '}
              <select id="catalogue-sort" name="sort">
                {(['relevance', 'newest', 'deadline'] as const).map((s) => (
                  <option key={s} value={s} selected={params.sort === s}>
                    {t(`catalogue.sort.${s}`)}
                  </option>
                ))}
              </select>{' '}
              <button type="submit" class="secondary">
                {t('catalogue.sortButton')}
              </button>
            </div>
            {result?.correctedQuery ? (
              <p class="notice">{t('catalogue.corrected', { query: result.correctedQuery })}</p>
            ) : null}
            {result?.anyTerm ? <p class="notice">{t('catalogue.anyTerm')}</p> : null}
            {result && result.total === 0 ? (
              <p>
                {t('catalogue.nothingFound')}{' '}
                {isFiltered(params) ? (
                  <a href={view.href('/catalogue')}>{t('catalogue.clear')}</a>
                ) : null}
              </p>
            ) : null}
            {result ? (
              <ResourceList resources={result.resources} highlights={result.highlights} />
            ) : null}
            {result ? (
              <Pagination page={result.page} pageSize={result.pageSize} total={result.total} />
            ) : null}
            <p class="alternatives">
              <a href={`/catalogue.atom${query ? `?${query}` : ''}`}>{t('catalogue.feed')}</a> ·{' '}
              {t('catalogue.download')}{' '}
              {(['csv', 'json', 'ndjson'] as const).map((f, i) => (
                <span key={f}>
                  {i ? ', ' : ''}
                  <a href={`/api/v1/resources/export.${f}${query ? `?${query}` : ''}`}>
                    {f.toUpperCase()}
                  </a>
                </span>
              ))}
            </p>
          </section>
        </div>
      </form>
    </>
  );
}

function ProfilePage(props: {
  profile: FitProfile | null;
  values?: Record<string, unknown>;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const language = useLanguageName();
  const profile = props.profile;
  const values = props.values ?? {
    languages: profile?.languages ?? [],
    budget: profile?.budget ?? 'any',
    hoursPerWeek: profile?.hoursPerWeek ?? '',
  };
  const chosenLanguages = ([] as string[]).concat((values.languages as string[] | string) ?? []);
  return (
    <>
      <h1>{t('catalogue.fit.title')}</h1>
      <p class="lead">{t('catalogue.fit.intro')}</p>
      <ErrorSummary errors={props.errors ?? {}} />
      <PostForm action="/catalogue/profile">
        <CheckboxGroup
          name="languages"
          label={t('catalogue.fit.languages')}
          hint={t('catalogue.fit.languagesHint')}
          errors={props.errors}
          values={chosenLanguages}
          options={UN_LANGUAGES.map((code) => ({ value: code, label: language(code) }))}
        />
        <fieldset class="field" id="field-budget">
          <legend>{t('catalogue.fit.budgetLabel')}</legend>
          {props.errors?.budget ? <p class="error">{props.errors.budget}</p> : null}
          {BUDGETS.map((b) => (
            <label class="checkbox" key={b}>
              <input type="radio" name="budget" value={b} checked={values.budget === b} />{' '}
              {t(`catalogue.fit.budgetOption.${b}`)}
              <br />
            </label>
          ))}
        </fieldset>
        <TextField
          name="hoursPerWeek"
          label={t('catalogue.fit.hours')}
          hint={t('catalogue.fit.hoursHint')}
          type="number"
          inputMode="decimal"
          value={values.hoursPerWeek as string}
          errors={props.errors}
        />
        <button type="submit">{t('catalogue.fit.save')}</button>
      </PostForm>
      <p>
        <a href={view.href('/catalogue')}>{t('catalogue.fit.back')}</a>
      </p>
    </>
  );
}

/** Adds a <link> to the page's head (rendered before the layout, so the layout lists it). */
function HeadLink(props: { rel: string; type: string; title: string; href: string }): null {
  useView().head.push(
    <link rel={props.rel} type={props.type} title={props.title} href={props.href} />,
  );
  return null;
}

/** A local path to go back to after a form; anything else goes to the catalogue. */
function safeBack(value: unknown): string {
  const text = typeof value === 'string' ? value : '';
  return /^\/(?!\/)[\w\-./?=&%+,:]*$/.test(text) ? text : '/catalogue';
}

export async function cataloguePages(app: FastifyInstance): Promise<void> {
  app.get(
    '/catalogue',
    { config: { page: true, responseCache: catalogueCache }, schema: { hide: true } },
    async (request, reply) => {
      const t = request.t;
      const profile = await fitProfileFor(request.ctx, request.cookies[FIT_COOKIE]);
      let params: SearchParams;
      try {
        params = searchParamsFrom(request.query as Record<string, unknown>);
      } catch (error) {
        if (!isAppError(error) || error.code !== 'bad_request') throw error;
        return sendPage(
          request,
          reply,
          { title: t('catalogue.title'), status: 400 },
          <SearchPage
            params={emptySearch()}
            result={null}
            errors={error.errors.map((e) => ({
              path: `/${e.path.split('/').pop()}`,
              message: `${e.path.split('/').pop()}: ${e.message}`,
            }))}
            profile={profile}
          />,
        );
      }
      const result = await searchResources(request.ctx, params, { profile });
      const title = params.q ? t('catalogue.titleFor', { query: params.q }) : t('catalogue.title');
      const query = toQueryString(params, { page: 1 });
      return sendPage(
        request,
        reply,
        { title, description: t('catalogue.intro'), canonical: '/catalogue' },
        <>
          <HeadLink
            rel="alternate"
            type="application/atom+xml"
            title={t('catalogue.feed')}
            href={`/catalogue.atom${query ? `?${query}` : ''}`}
          />
          <SearchPage params={params} result={result} errors={[]} profile={profile} />
        </>,
      );
    },
  );

  app.get('/catalogue.atom', { schema: { hide: true } }, async (request, reply) => {
    const params = searchParamsFrom(request.query as Record<string, unknown>);
    const t = request.t;
    const base = request.server.deps.config.baseUrl;
    const result = await searchResources(
      request.ctx,
      {
        ...params,
        sort: params.sort === 'deadline' ? 'deadline' : 'newest',
        page: 1,
        pageSize: 50,
      },
      { highlight: false },
    );
    const query = toQueryString(params);
    const self = `${base}/catalogue.atom${query ? `?${query}` : ''}`;
    const feed = new Feed({
      id: self,
      title: params.q
        ? `${t('catalogue.titleFor', { query: params.q })} · ${t('layout.siteName')}`
        : `${t('catalogue.title')} · ${t('layout.siteName')}`,
      description: t('catalogue.intro'),
      link: `${base}/catalogue${query ? `?${query}` : ''}`,
      language: request.locale,
      updated: result.resources.reduce(
        (latest, r) => (r.updatedAt > latest ? r.updatedAt : latest),
        new Date(0),
      ),
      feedLinks: { atom: self },
      generator: false,
      copyright: t('layout.siteName'),
    });
    for (const r of result.resources) {
      const url = `${base}${resourcePath(r.slug)}`;
      feed.addItem({
        id: url,
        title: pickText(r.title, request.locale)?.text ?? r.slug,
        link: url,
        date: r.updatedAt,
        published: r.publishedAt ?? r.updatedAt,
        description: pickText(r.summary, request.locale)?.text ?? '',
        author: r.providers.map((p) => ({ name: p.name })),
        category: r.themes.map((theme) => ({ term: theme })),
      });
    }
    return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
  });

  app.get(
    '/catalogue/profile',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const profile = await fitProfileFor(request.ctx, request.cookies[FIT_COOKIE]);
      return sendPage(
        request,
        reply,
        { title: request.t('catalogue.fit.title') },
        <ProfilePage profile={profile} />,
      );
    },
  );

  app.post(
    '/catalogue/profile',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        const profile = await checkProfile(request.ctx, {
          languages: body.languages,
          budget: body.budget,
          hoursPerWeek: body.hoursPerWeek,
        });
        setFitCookie(request, reply, await saveFitProfile(request.ctx, profile));
        return seeOther(request, reply, '/catalogue');
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation') throw error;
        return sendPage(
          request,
          reply,
          { title: request.t('catalogue.fit.title'), status: 422 },
          <ProfilePage profile={null} values={body} errors={errorsByField(error.errors)} />,
        );
      }
    },
  );

  app.post(
    '/catalogue/profile/active',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const profile = await fitProfileFor(request.ctx, request.cookies[FIT_COOKIE]);
      if (profile) {
        const active = body.active === '1';
        setFitCookie(request, reply, await saveFitProfile(request.ctx, { ...profile, active }));
      }
      return reply.redirect(safeBack(body.back), 303);
    },
  );
}

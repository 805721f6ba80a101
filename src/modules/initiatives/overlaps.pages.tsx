import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import { Pagination } from '../../web/components/pagination.tsx';
import { isAllowed } from '../accounts/index.ts';
import { countries, countryName, TAXONOMIES, type Country } from '../reference/index.ts';
import { decideOverlap, listOverlaps } from './overlap.service.ts';
import { OverlapListQuery } from './initiatives.schemas.ts';
import { OverlapList, RegistryNav } from './initiatives.pages.tsx';
import { themeLabel } from './labels.ts';
import { seeOther } from '../../web/redirect.ts';

type Query = Static<typeof OverlapListQuery>;

function OverlapsPage(props: {
  query: Query;
  result: Awaited<ReturnType<typeof listOverlaps>>;
  decide: boolean;
  countryList: Country[];
  saved: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const q = props.query;
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.overlap.title')}</h1>
      <p class="lead">{t('initiatives.overlap.intro')}</p>
      {props.saved ? (
        <div class="notice ok" role="status">
          <p>{t('initiatives.overlap.saved')}</p>
        </div>
      ) : null}
      <div class="layout-with-aside">
        <form
          method="get"
          action={view.href('/overlaps')}
          class="facets"
          aria-label={t('initiatives.overlap.filters')}
        >
          <div class="field">
            <label for="f-country">{t('initiatives.overlap.country')}</label>
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
            <label for="f-theme">{t('initiatives.overlap.theme')}</label>
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
            <label for="f-minScore">{t('initiatives.overlap.minScore')}</label>
            <input
              id="f-minScore"
              type="number"
              name="minScore"
              min="0"
              max="1"
              step="0.05"
              value={q.minScore ?? ''}
            />
          </div>
          <div class="field">
            <label for="f-decision">{t('initiatives.overlap.decisionFilter')}</label>
            <select id="f-decision" name="decision">
              <option value="">{t('initiatives.overlap.decisionAll')}</option>
              <option value="none" selected={q.decision === 'none'}>
                {t('initiatives.overlap.decisionNone')}
              </option>
              {(['duplicate', 'complementary', 'unrelated'] as const).map((d) => (
                <option key={d} value={d} selected={q.decision === d}>
                  {t(`initiatives.overlap.decisions.${d}`)}
                </option>
              ))}
              <option value="any" selected={q.decision === 'any'}>
                {t('initiatives.overlap.decisionAny')}
              </option>
            </select>
          </div>
          <button type="submit">{t('initiatives.overlap.submit')}</button>
        </form>
        <section aria-labelledby="pairs-heading">
          <h2 id="pairs-heading">
            {t('initiatives.overlap.results', { count: props.result.total })}
          </h2>
          <OverlapList
            items={props.result.items}
            decide={props.decide}
            returnTo={`/overlaps${view.query ? `?${view.query}` : ''}`}
          />
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

const PageQuery = Type.Object(
  { ...OverlapListQuery.properties, saved: Type.Optional(Type.String({ maxLength: 5 })) },
  { additionalProperties: false },
);

export async function overlapsPages(app: FastifyInstance): Promise<void> {
  app.get(
    '/overlaps',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: { hide: true, querystring: PageQuery },
    },
    async (request, reply) => {
      const { saved, ...query } = request.query as Query & { saved?: string };
      const [result, countryList] = await Promise.all([
        listOverlaps(request.ctx, query),
        countries(request.ctx),
      ]);
      return sendPage(
        request,
        reply,
        {
          title: request.t('initiatives.overlap.title'),
          description: request.t('initiatives.overlap.intro'),
        },
        <OverlapsPage
          query={query}
          result={result}
          decide={isAllowed(request.ctx, 'registry.decide-overlap')}
          countryList={countryList}
          saved={!!saved}
        />,
      );
    },
  );

  app.post(
    '/overlaps/:id/decision',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          decision: Type.Union(
            ['duplicate', 'complementary', 'unrelated'].map((d) => Type.Literal(d)),
          ),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
          returnTo: Type.Optional(Type.String({ maxLength: 500 })),
        }),
      },
    },
    async (request, reply) => {
      const body = request.body as { decision: string; note?: string; returnTo?: string };
      await decideOverlap(
        request.ctx,
        (request.params as { id: string }).id,
        body.decision,
        body.note ?? null,
      );
      // Only paths on this site, never another host.
      const back =
        body.returnTo && /^\/(?!\/)[\w\-/?=&%.]*$/.test(body.returnTo)
          ? body.returnTo
          : '/overlaps';
      const target = back.startsWith('/initiatives/')
        ? `${back.split('?')[0]}?done=decided`
        : `${back}${back.includes('?') ? '&' : '?'}saved=1`;
      return seeOther(request, reply, target);
    },
  );
}

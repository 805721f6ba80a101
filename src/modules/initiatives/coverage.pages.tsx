import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { Type } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import { Query } from '../../platform/http/schemas.ts';
import { writeCsv } from '../../platform/records.ts';
import { countries, countryName, TAXONOMIES, type Country } from '../reference/index.ts';
import { coverage, type Coverage } from './coverage.service.ts';
import { bucket, HOTSPOT_MIN } from './coverage.ts';
import { CoverageMap, HEAT_COLOURS } from './coverage.map.tsx';
import { RegistryNav } from './initiatives.pages.tsx';
import { themeLabel } from './labels.ts';

export const CoverageQuery = Query({
  by: Type.Optional(Type.Union([Type.Literal('country'), Type.Literal('region')])),
  theme: Type.Optional(Type.String({ maxLength: 40 })),
});

function placeName(c: Coverage, key: string, name: string, locale: string): string {
  return c.by === 'country' ? countryName(key, locale, name) : name;
}

function CoveragePage(props: { c: Coverage; countryList: Country[] }): VNode {
  const view = useView();
  const { t } = view;
  const c = props.c;
  const byM49 = new Map(
    props.countryList.map((k) => [
      k.m49,
      { iso2: k.iso2, name: countryName(k.iso2, view.locale, k.name) },
    ]),
  );
  const themeSuffix = c.theme ? ` — ${themeLabel(t, c.theme)}` : '';
  const csvQuery = new URLSearchParams(view.query).toString();
  const rows = [...c.rows].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const priorityEmpty = c.gaps.countries.filter((g) => g.priority);
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.coverage.title')}</h1>
      <p class="lead">{t('initiatives.coverage.intro', { date: view.formatDate(c.day) })}</p>
      <form method="get" action={view.href('/coverage')} class="search-inline">
        <div class="field">
          <label for="f-by">{t('initiatives.coverage.by')}</label>
          <select id="f-by" name="by">
            <option value="country" selected={c.by === 'country'}>
              {t('initiatives.coverage.byCountry')}
            </option>
            <option value="region" selected={c.by === 'region'}>
              {t('initiatives.coverage.byRegion')}
            </option>
          </select>
        </div>
        <div class="field">
          <label for="f-theme">{t('initiatives.coverage.theme')}</label>
          <select id="f-theme" name="theme">
            <option value="">{t('initiatives.coverage.allThemes')}</option>
            {TAXONOMIES.theme.map((x) => (
              <option key={x.code} value={x.code} selected={x.code === c.theme}>
                {themeLabel(t, x.code)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('initiatives.coverage.submit')}</button>
      </form>

      <section aria-labelledby="map-heading">
        <h2 id="map-heading">{t('initiatives.coverage.map')}</h2>
        <CoverageMap
          counts={c.countryTotals}
          countriesByM49={byM49}
          title={t('initiatives.coverage.mapTitle', { theme: themeSuffix })}
          description={t('initiatives.coverage.mapDescription')}
          label={(n, name) => `${name}: ${t('initiatives.coverage.countryCount', { count: n })}`}
        />
        <ul class="legend" aria-label={t('initiatives.coverage.legend')}>
          {['0', '1', '2', '3–4', '5+'].map((label, k) => (
            <li key={label}>
              <svg width="16" height="16" aria-hidden="true" focusable="false">
                <rect width="16" height="16" fill={HEAT_COLOURS[k]} stroke="#5b6570" />
              </svg>{' '}
              {k === 0 ? t('initiatives.coverage.none') : label}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="table-heading">
        <h2 id="table-heading">{t('initiatives.coverage.table')}</h2>
        <p>
          <a href={`${view.href('/coverage.csv')}${csvQuery ? `?${csvQuery}` : ''}`}>
            {t('initiatives.coverage.csv')}
          </a>
        </p>
        <div class="table-scroll">
          <table class="heat">
            <caption>
              {t('initiatives.coverage.tableCaption', {
                by:
                  c.by === 'country'
                    ? t('initiatives.coverage.byCountry')
                    : t('initiatives.coverage.byRegion'),
              })}
            </caption>
            <thead>
              <tr>
                <th scope="col">
                  {c.by === 'country'
                    ? t('initiatives.coverage.byCountry')
                    : t('initiatives.coverage.byRegion')}
                </th>
                {c.themes.map((theme) => (
                  <th scope="col" key={theme}>
                    {themeLabel(t, theme)}
                  </th>
                ))}
                <th scope="col">{t('initiatives.coverage.total')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">
                    {c.by === 'country' ? (
                      <a href={view.href(`/countries/${row.key.toLowerCase()}`)}>
                        {placeName(c, row.key, row.name, view.locale)}
                      </a>
                    ) : (
                      <a href={view.href(`/initiatives?region=${row.key}`)}>{row.name}</a>
                    )}
                  </th>
                  {c.themes.map((theme) => {
                    const n = row.counts[theme] ?? 0;
                    return (
                      <td key={theme} class={`heat-${bucket(n)}`}>
                        {n}
                      </td>
                    );
                  })}
                  <td>{row.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="gaps-heading">
        <h2 id="gaps-heading">{t('initiatives.coverage.gaps')}</h2>
        <p>{t('initiatives.coverage.gapsIntro')}</p>
        {c.gaps.needs.length || priorityEmpty.length ? (
          <ul>
            {c.gaps.needs.map((g) => (
              <li key={`${g.slug}-${g.theme}`}>
                <a href={view.href(`/countries/${g.country.toLowerCase()}`)}>
                  {countryName(g.country, view.locale)}
                </a>{' '}
                — {themeLabel(t, g.theme)} (
                <a href={view.href(`/needs/${g.slug}`)}>{t('initiatives.coverage.gapNeed')}</a>)
              </li>
            ))}
            {priorityEmpty.map((g) => (
              <li key={g.iso2}>
                <a href={view.href(`/countries/${g.iso2.toLowerCase()}`)}>
                  {countryName(g.iso2, view.locale)}
                </a>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.coverage.noGaps')}</p>
        )}
      </section>

      <section aria-labelledby="hotspots-heading">
        <h2 id="hotspots-heading">{t('initiatives.coverage.hotspots')}</h2>
        <p>{t('initiatives.coverage.hotspotsIntro', { min: HOTSPOT_MIN })}</p>
        {c.hotspots.length ? (
          <ul>
            {c.hotspots.map((h) => (
              <li key={`${h.key}-${h.theme}`}>
                <a
                  href={view.href(
                    c.by === 'country'
                      ? `/overlaps?country=${h.key}&theme=${h.theme}`
                      : `/initiatives?region=${h.key}&theme=${h.theme}`,
                  )}
                >
                  {placeName(c, h.key, h.name, view.locale)} — {themeLabel(t, h.theme)}
                </a>
                : {h.n}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.coverage.noHotspots')}</p>
        )}
      </section>
    </>
  );
}

export function coverageApiBody(c: Coverage) {
  return {
    by: c.by,
    theme: c.theme,
    date: c.day,
    themes: c.themes,
    items: c.rows,
    total: c.rows.length,
    page: 1,
    pageSize: c.rows.length,
    gaps: c.gaps,
    hotspots: c.hotspots,
  };
}

export const CoverageResponse = Type.Object({
  by: Type.String(),
  theme: Type.Union([Type.String(), Type.Null()]),
  date: Type.String(),
  themes: Type.Array(Type.String()),
  items: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      counts: Type.Record(Type.String(), Type.Integer()),
      total: Type.Integer(),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  gaps: Type.Object({
    needs: Type.Array(
      Type.Object({
        slug: Type.String(),
        title: Type.String(),
        country: Type.String(),
        theme: Type.String(),
      }),
    ),
    countries: Type.Array(Type.Object({ iso2: Type.String(), priority: Type.Boolean() })),
  }),
  hotspots: Type.Array(
    Type.Object({
      key: Type.String(),
      name: Type.String(),
      theme: Type.String(),
      n: Type.Integer(),
    }),
  ),
});

export async function coveragePages(app: FastifyInstance): Promise<void> {
  app.get(
    '/coverage',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: { hide: true, querystring: CoverageQuery },
    },
    async (request, reply) => {
      const [c, countryList] = await Promise.all([
        coverage(request.ctx, request.query as never),
        countries(request.ctx),
      ]);
      return sendPage(
        request,
        reply,
        {
          title: request.t('initiatives.coverage.title'),
          description: request.t('initiatives.coverage.mapDescription'),
        },
        <CoveragePage c={c} countryList={countryList} />,
      );
    },
  );

  app.get(
    '/coverage.csv',
    { preValidation: dropEmptyQuery, schema: { hide: true, querystring: CoverageQuery } },
    async (request, reply) => {
      const c = await coverage(request.ctx, request.query as never);
      const csv = writeCsv(c.rows, [
        { name: c.by, value: (r) => r.key },
        { name: 'name', value: (r) => r.name },
        ...c.themes.map((theme) => ({
          name: theme,
          value: (r: (typeof c.rows)[number]) => r.counts[theme] ?? 0,
        })),
        { name: 'total', value: (r) => r.total },
      ]);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="coverage-${c.by}${c.theme ? `-${c.theme}` : ''}-${c.day}.csv"`,
        )
        .send(csv);
    },
  );

  app.get(
    '/api/v1/coverage',
    {
      schema: {
        tags: ['initiatives'],
        summary:
          'Ongoing published initiatives today by country or region and theme, with gaps and hotspots',
        querystring: CoverageQuery,
        response: { 200: CoverageResponse },
      },
    },
    async (request) => coverageApiBody(await coverage(request.ctx, request.query as never)),
  );
}

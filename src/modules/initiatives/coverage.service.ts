import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { countries, isTerm, regions, termCodes } from '../reference/index.ts';
import * as repo from './initiatives.repository.ts';
import * as needsRepo from './needs.repository.ts';
import { hotspots, matrix, type CoverageRow } from './coverage.ts';

export interface CoverageQuery {
  by?: 'country' | 'region';
  theme?: string;
}

export interface Coverage {
  by: 'country' | 'region';
  theme: string | null;
  day: string;
  themes: string[];
  rows: CoverageRow[];
  /** Per country, for the map (whatever `by` is). */
  countryTotals: Map<string, number>;
  hotspots: ReturnType<typeof hotspots>;
  gaps: {
    needs: Array<{ slug: string; title: string; country: string; theme: string }>;
    countries: Array<{ iso2: string; priority: boolean }>;
  };
}

/** The coverage matrix of ongoing initiatives today, with gaps and hotspots. */
export async function coverage(ctx: ServiceContext, query: CoverageQuery = {}): Promise<Coverage> {
  const by = query.by ?? 'country';
  const theme = query.theme || undefined;
  if (theme && !isTerm('theme', theme)) {
    throw new AppError('bad_request', `Unknown theme "${theme}".`, [
      { path: '/querystring/theme', message: `Choose one of: ${termCodes('theme').join(', ')}.` },
    ]);
  }
  const day = ctx.clock.now().toISOString().slice(0, 10);
  const themes = theme ? [theme] : termCodes('theme');
  const [countryList, regionList, countryCells, countryTotalsRows, needCells] = await Promise.all([
    countries(ctx),
    regions(ctx),
    repo.coverageByCountry(ctx.readDb, day, theme),
    repo.coverageTotalsByCountry(ctx.readDb, day, theme),
    needsRepo.openNeedCells(ctx.readDb),
  ]);
  const countryTotals = new Map(countryTotalsRows.map((r) => [r.key.trim(), Number(r.n)]));
  const countryCellList = countryCells.map((c) => ({
    key: c.key.trim(),
    theme: c.theme,
    n: Number(c.n),
  }));
  let rows: CoverageRow[];
  if (by === 'country') {
    rows = matrix(
      countryCellList,
      countryList.map((c) => ({ key: c.iso2, name: c.name })),
      themes,
      countryTotals,
      { keepEmpty: false },
    );
  } else {
    const [cells, totals] = await Promise.all([
      repo.coverageByRegion(ctx.readDb, day, theme),
      repo.coverageTotalsByRegion(ctx.readDb, day, theme),
    ]);
    rows = matrix(
      cells.map((c) => ({ key: c.key, theme: c.theme, n: Number(c.n) })),
      regionList.map((r) => ({ key: r.slug, name: r.name })),
      themes,
      new Map(totals.map((t) => [t.key, Number(t.n)])),
      { keepEmpty: true },
    );
  }
  const covered = new Set(countryCellList.filter((c) => c.n > 0).map((c) => `${c.key}|${c.theme}`));
  const needGaps = needCells
    .filter(
      (n) =>
        n.country &&
        (!theme || n.theme === theme) &&
        !covered.has(`${n.country.trim()}|${n.theme}`),
    )
    .map((n) => ({ slug: n.slug, title: n.title, country: n.country!.trim(), theme: n.theme }));
  const emptyCountries = countryList
    .filter((c) => c.unMember && !countryTotals.get(c.iso2))
    .map((c) => ({ iso2: c.iso2, priority: c.ldc || c.lldc || c.sids }))
    .sort((a, b) => Number(b.priority) - Number(a.priority));
  return {
    by,
    theme: theme ?? null,
    day,
    themes,
    rows,
    countryTotals,
    hotspots: hotspots(by === 'country' ? rows : rows.filter((r) => r.key !== 'world')),
    gaps: { needs: needGaps, countries: emptyCountries },
  };
}

import type { Outcome } from './processes.ts';

/** Inclusion statistics of a register: pure counting, so it can be checked by hand. */

export const STAKEHOLDER_GROUP_ORDER = [
  'civil-society',
  'private-sector',
  'technical-community',
  'academia',
  'igo',
  'government',
] as const;

export const REGION_ORDER = [
  'african',
  'asia-pacific',
  'eastern-european',
  'latin-american-caribbean',
  'weog',
  'none',
] as const;

export interface StatRow {
  value: string;
  applied: number;
  accredited: number;
  refused: number;
  pending: number;
}

export interface InclusionStatistics {
  byStakeholderGroup: StatRow[];
  byRegion: StatRow[];
  byEcosocStatus: StatRow[];
}

export interface CountedApplication {
  stakeholderGroup: string;
  /** UN regional group of the organisation's country, or "none" for global organisations. */
  region: string;
  ecosocStatus: boolean;
  outcome: Outcome;
}

function tally(
  apps: readonly CountedApplication[],
  key: (a: CountedApplication) => string,
  order: readonly string[],
): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const a of apps) {
    const value = key(a);
    const row = rows.get(value) ?? { value, applied: 0, accredited: 0, refused: 0, pending: 0 };
    row.applied++;
    row[a.outcome]++;
    rows.set(value, row);
  }
  const rank = (v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
  return [...rows.values()].sort(
    (a, b) => rank(a.value) - rank(b.value) || a.value.localeCompare(b.value),
  );
}

export function inclusionStatistics(apps: readonly CountedApplication[]): InclusionStatistics {
  return {
    byStakeholderGroup: tally(apps, (a) => a.stakeholderGroup, STAKEHOLDER_GROUP_ORDER),
    byRegion: tally(apps, (a) => a.region, REGION_ORDER),
    byEcosocStatus: tally(apps, (a) => (a.ecosocStatus ? 'with' : 'without'), ['with', 'without']),
  };
}

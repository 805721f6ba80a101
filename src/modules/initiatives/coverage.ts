/**
 * Coverage of ongoing initiatives by (place, theme), with gaps and hotspots (pure).
 */
export interface CoverageCell {
  key: string;
  theme: string;
  n: number;
}

export interface CoverageRow {
  key: string;
  name: string;
  counts: Record<string, number>;
  total: number;
}

/** A cell with at least this many ongoing initiatives is a hotspot. */
export const HOTSPOT_MIN = 3;

/** Heat classes: 0, 1, 2, 3–4, 5+. */
export function bucket(n: number): 0 | 1 | 2 | 3 | 4 {
  if (n <= 0) return 0;
  if (n === 1) return 1;
  if (n === 2) return 2;
  if (n <= 4) return 3;
  return 4;
}

/**
 * Rows of the matrix. `totals` counts initiatives per place once (an initiative with two themes
 * counts once in the total, in both theme columns).
 */
export function matrix(
  cells: readonly CoverageCell[],
  places: ReadonlyArray<{ key: string; name: string }>,
  themes: readonly string[],
  totals: ReadonlyMap<string, number>,
  options: { keepEmpty: boolean },
): CoverageRow[] {
  const byKey = new Map<string, Record<string, number>>();
  for (const c of cells) {
    const row = byKey.get(c.key) ?? {};
    row[c.theme] = (row[c.theme] ?? 0) + c.n;
    byKey.set(c.key, row);
  }
  const rows: CoverageRow[] = [];
  for (const place of places) {
    const counts = byKey.get(place.key) ?? {};
    const full = Object.fromEntries(themes.map((t) => [t, counts[t] ?? 0]));
    const total = totals.get(place.key) ?? Object.values(full).reduce((a, b) => a + b, 0);
    if (total === 0 && !options.keepEmpty) continue;
    rows.push({ key: place.key, name: place.name, counts: full, total });
  }
  return rows;
}

export function hotspots(rows: readonly CoverageRow[], min = HOTSPOT_MIN) {
  const out: Array<{ key: string; name: string; theme: string; n: number }> = [];
  for (const row of rows)
    for (const [theme, n] of Object.entries(row.counts))
      if (n >= min) out.push({ key: row.key, name: row.name, theme, n });
  return out.sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
}

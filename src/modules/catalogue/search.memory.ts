/**
 * Text matching, filters and facet counts from the in-memory index (memory-index.ts), which is
 * brought up to the database's version before every search: one small query when nothing changed,
 * the changed resources' rows when something did (in any process: the change log is a table).
 *
 * Why in memory: a common word matches a large part of the catalogue ("cyber" 80 %, "cybercrime"
 * 40 % of 100,000 generated resources). PostgreSQL finds those rows in its GIN index in ~15 ms,
 * but reading them — to count facets, or only to return their ids — visits every heap page of the
 * table (each row carries a ~1 KB tsvector inline): 110–280 ms at 100,000 resources. Here the same
 * match is a few thousand word operations over bit sets, and counting every facet one pass over
 * the matching slots. PostgreSQL still parses the query, ranks the capped candidates, checks
 * phrases and writes the highlights.
 */
import type { Db } from '../../db/database.ts';
import { MemoryIndex, NO_DATE } from './memory-index.ts';
import * as searchRepo from './search.repository.ts';
import type { FacetName, FacetRow, FilterSpec } from './search.repository.ts';
import { evaluate, forEachSlot, parseTsquery, setBit, type Bits } from './tsquery.ts';
import { LIST_FILTERS } from './search-params.ts';

interface Holder {
  index: MemoryIndex | null;
  syncing: Promise<MemoryIndex> | null;
}

/** Per read handle, per database behind it (see indexSource). */
const holders = new WeakMap<Db, Map<string, Holder>>();

/**
 * Reads every row, a batch per statement, then catches up from the change log from the version
 * read first: a row written during the build was logged after that version and is read again,
 * so the result is exact without one long transaction (which, on PGlite, would hold its only
 * connection — and /readyz — for the whole build).
 */
async function build(db: Db): Promise<MemoryIndex> {
  const index = new MemoryIndex();
  const version = await searchRepo.indexVersion(db);
  let after: string | null = null;
  for (;;) {
    const rows = await searchRepo.indexRows(db, after);
    for (const row of rows) index.put(row);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.resourceId;
    // Let requests waiting for the connection or the event loop go between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  index.version = version;
  return catchUp(db, index);
}

/**
 * `index` brought to the database's current version: updated in place from the change log, or a
 * fresh build when the log cannot tell (see indexChanges).
 */
export async function catchUp(db: Db, index: MemoryIndex): Promise<MemoryIndex> {
  const changes = await searchRepo.indexChanges(db, index.version);
  // Rebuild when the table was emptied, the log after our version was pruned, or when most slots
  // would be dead ones.
  if (changes.everything || index.dead + changes.changed.length > Math.max(1000, index.live))
    return build(db);
  const present = new Set(changes.rows.map((r) => r.resourceId));
  for (const id of changes.changed) if (!present.has(id)) index.remove(id);
  for (const row of changes.rows) index.put(row);
  // A lagging replica may answer with an older version: the index never moves back.
  index.version = Math.max(index.version, changes.version);
  return index;
}

/** The index of this database at (at least) its current version. */
export async function currentIndex(db: Db): Promise<MemoryIndex> {
  let sources = holders.get(db);
  if (!sources) {
    sources = new Map();
    holders.set(db, sources);
  }
  const { version, source } = await searchRepo.indexSource(db);
  let holder = sources.get(source);
  if (!holder) {
    holder = { index: null, syncing: null };
    sources.set(source, holder);
  }
  const h = holder;
  // One catch-up at a time; concurrent searches wait for it, and go again if it started before
  // the version they read. A catch-up answered by a lagging replica may stay behind the version
  // read from the primary: after a few tries the index serves as it is.
  for (let tries = 0; !h.index || (h.index.version < version && tries < 3); tries += 1) {
    h.syncing ??= (async () => {
      try {
        h.index = h.index ? await catchUp(db, h.index) : await build(db);
        return h.index;
      } finally {
        h.syncing = null;
      }
    })();
    await h.syncing;
  }
  return h.index;
}

/** Whether this process holds an index of this database (built, possibly behind). */
export function hasIndex(db: Db): boolean {
  return [...(holders.get(db)?.values() ?? [])].some((h) => !!h.index);
}

/** Drops this database's index (the next search builds it again); for tests and benchmarks. */
export function forgetIndex(db: Db): void {
  holders.delete(db);
}

export interface MemorySearch {
  rows: FacetRow[];
  /** Ids to score: up to `cap` title matches, then up to `cap` other matches, newest slots first. */
  candidates(cap: number): string[];
}

type Test = { name: FacetName; pass: (slot: number) => boolean };

function tests(index: MemoryIndex, f: FilterSpec): Test[] {
  const out: Test[] = [];
  for (const name of ['kind', 'level', 'format', 'cost'] as const) {
    if (!f[name].length) continue;
    const allowed = new Set(f[name]);
    const table = index.dict[name].table((v) => allowed.has(v));
    const column = index[name];
    out.push({ name, pass: (s) => table[column[s]!] === 1 });
  }
  if (f.themes) {
    const m = f.themes;
    out.push({ name: 'theme', pass: (s) => (index.themes[s]! & m) !== 0 });
  }
  if (f.audiences) {
    const m = f.audiences;
    out.push({ name: 'audience', pass: (s) => (index.audiences[s]! & m) !== 0 });
  }
  const overlaps = (wanted: readonly string[]) => {
    const set = new Set(wanted);
    return index.dict.list.table((list) => list.split(',').some((v) => set.has(v)));
  };
  if (f.language.length) {
    const table = overlaps(f.language);
    out.push({ name: 'language', pass: (s) => table[index.languages[s]!] === 1 });
  }
  if (f.region.length) {
    const table = overlaps(f.region);
    out.push({ name: 'region', pass: (s) => table[index.regionCodes[s]!] === 1 });
  }
  if (f.country) {
    const byCountry = overlaps(f.country.countries);
    const byRegion = overlaps(f.country.regions);
    out.push({
      name: 'country',
      pass: (s) => byCountry[index.countries[s]!] === 1 || byRegion[index.regions[s]!] === 1,
    });
  }
  if (f.maxHours !== null) {
    const max = f.maxHours;
    out.push({ name: 'maxHours', pass: (s) => index.hours[s]! <= max });
  }
  if (f.enrolmentOpen) {
    const open = openTest(index, f.today);
    out.push({ name: 'enrolmentOpen', pass: open });
  }
  return out;
}

/** As openExpr in SQL: enrolment deadline ahead, or a course or programme not yet over. */
function openTest(index: MemoryIndex, today: string): (slot: number) => boolean {
  const day = Math.floor(Date.parse(`${today}T00:00:00Z`) / 86_400_000);
  const continuing = index.dict.kind.table((k) => k === 'course' || k === 'programme');
  return (s) => {
    const enrolBy = index.enrolBy[s]!;
    if (enrolBy !== NO_DATE) return enrolBy >= day;
    const endsOn = index.endsOn[s]!;
    return continuing[index.kind[s]!] === 1 && (endsOn === NO_DATE || endsOn >= day);
  };
}

/** Per-facet counters; turned into the rows the SQL statement returns (toFacets reads both). */
class Counter {
  private readonly byCode = new Map<FacetName, Map<number, number>>();
  private readonly bits = new Map<FacetName, Int32Array>();

  code(name: FacetName, code: number): void {
    let map = this.byCode.get(name);
    if (!map) this.byCode.set(name, (map = new Map()));
    map.set(code, (map.get(code) ?? 0) + 1);
  }

  mask(name: FacetName, mask: number): void {
    let counts = this.bits.get(name);
    if (!counts) this.bits.set(name, (counts = new Int32Array(32)));
    while (mask !== 0) {
      const low = mask & -mask;
      counts[31 - Math.clz32(low)]!++;
      mask ^= low;
    }
  }

  rows(index: MemoryIndex): FacetRow[] {
    const rows: FacetRow[] = [];
    for (const [name, counts] of this.bits)
      counts.forEach((n, bit) => {
        if (n) rows.push({ facet: name, value: null, mask: 1 << bit, n });
      });
    for (const [name, map] of this.byCode)
      for (const [code, n] of map)
        rows.push({ facet: name, value: valueOf(index, name, code), mask: null, n });
    return rows;
  }
}

function valueOf(index: MemoryIndex, name: FacetName, code: number): string | null {
  switch (name) {
    case 'kind':
    case 'level':
    case 'format':
    case 'cost':
      return index.dict[name].values[code] ?? null;
    case 'language':
    case 'region':
    case 'country':
      return index.dict.list.values[code] ?? null;
    case 'maxHours':
      return String(code / 100);
    case 'enrolmentOpen':
      return code === 1 ? 'true' : 'false';
    default:
      return null;
  }
}

function count(
  counter: Counter,
  index: MemoryIndex,
  name: FacetName,
  s: number,
  open: (s: number) => boolean,
) {
  switch (name) {
    case 'kind':
    case 'level':
    case 'format':
    case 'cost':
      return counter.code(name, index[name][s]!);
    case 'theme':
      return counter.mask(name, index.themes[s]!);
    case 'audience':
      return counter.mask(name, index.audiences[s]!);
    case 'language':
      return counter.code(name, index.languages[s]!);
    case 'region':
      return counter.code(name, index.regionCodes[s]!);
    case 'country':
      return counter.code(name, index.countries[s]!);
    case 'maxHours': {
      const hours = index.hours[s]!;
      // Hundredths of an hour: durations are whole or half hours, well inside that.
      if (!Number.isNaN(hours)) counter.code(name, Math.round(hours * 100));
      return;
    }
    case 'enrolmentOpen':
      return counter.code(name, open(s) ? 1 : 0);
  }
}

const FACETS: readonly FacetName[] = [...LIST_FILTERS, 'maxHours', 'enrolmentOpen'];

/**
 * Total, facet counts (each facet given the other filters) and ranking candidates for a search;
 * null when the query must be matched by PostgreSQL (see tsquery.ts).
 */
export async function memorySearch(
  db: Db,
  filters: FilterSpec,
  tsq: string | null,
): Promise<MemorySearch | null> {
  const index = await currentIndex(db);
  const active = tests(index, filters);
  let matched: Bits;
  let titles: Bits | null = null;
  if (tsq) {
    const node = parseTsquery(tsq);
    if (!node) return null;
    const result = evaluate(node, index.source(false));
    if (!result) return null;
    matched = result.bits;
    for (let w = 0; w < matched.length; w++) matched[w]! &= index.alive[w]!;
    if (result.superset) {
      // Only rows failing at most one filter are counted anywhere: only those need checking.
      const counted = new Uint32Array(matched.length);
      forEachSlot(matched, (s) => {
        let failures = 0;
        for (const t of active) if (!t.pass(s) && ++failures > 1) return;
        setBit(counted, s);
      });
      matched = await checkPhrases(db, index, counted, tsq);
    }
    titles = evaluate(node, index.source(true))?.bits ?? null;
  } else {
    matched = index.alive.slice(0, index.words);
  }
  const activeNames = new Set(active.map((t) => t.name));
  const shared = FACETS.filter((name) => !activeNames.has(name));
  const open = openTest(index, filters.today);
  const counter = new Counter();
  const passing = new Uint32Array(matched.length);
  let total = 0;
  forEachSlot(matched, (s) => {
    let failed = -1;
    for (let t = 0; t < active.length; t++) {
      if (active[t]!.pass(s)) continue;
      if (failed >= 0) return;
      failed = t;
    }
    if (failed >= 0) {
      count(counter, index, active[failed]!.name, s, open);
      return;
    }
    total++;
    setBit(passing, s);
    for (const name of shared) count(counter, index, name, s, open);
    for (const t of active) count(counter, index, t.name, s, open);
  });
  const rows = counter.rows(index);
  rows.push({ facet: '', value: null, mask: null, n: total });
  return {
    rows,
    candidates(cap) {
      const first: string[] = [];
      const rest: string[] = [];
      // Newest slots first: the most recently indexed resources.
      for (let w = passing.length - 1; w >= 0 && (first.length < cap || rest.length < cap); w--) {
        const word = passing[w]!;
        if (word === 0) continue;
        for (let b = 31; b >= 0; b--) {
          if ((word & (1 << b)) === 0) continue;
          const s = (w << 5) + b;
          const inTitle = titles !== null && (titles[w]! & (1 << b)) !== 0;
          const list = inTitle ? first : rest;
          if (list.length < cap) list.push(index.ids[s]!);
        }
      }
      return [...first, ...rest];
    },
  };
}

/** Phrases were matched as AND: PostgreSQL keeps those whose words are in order. */
async function checkPhrases(db: Db, index: MemoryIndex, bits: Bits, tsq: string): Promise<Bits> {
  const ids: string[] = [];
  forEachSlot(bits, (s) => ids.push(index.ids[s]!));
  const exact = new Uint32Array(bits.length);
  for (const id of await searchRepo.matchingAmong(db, ids, tsq)) {
    const slot = index.slot(id);
    if (slot !== undefined) setBit(exact, slot);
  }
  return exact;
}

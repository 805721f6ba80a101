import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemo, warmUp } from '../../runtime.ts';
import { generate, load } from '../../../bench/lib/catalogue-data.ts';
import {
  getResourceBySlug,
  searchParamsFrom,
  searchResources,
  transition,
  updateResource,
} from './index.ts';
import { compileQuery, facetCounts, type FacetRow, type FilterSpec } from './search.repository.ts';
import { currentIndex, forgetIndex, hasIndex, memorySearch } from './search.memory.ts';
import { prepareQuery } from './text.ts';

/** Facet rows as comparable counts: masks split into bits, durations as numbers. */
function normalise(rows: FacetRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (key: string, n: number) => (out[key] = (out[key] ?? 0) + n);
  for (const row of rows) {
    if (row.n === 0) continue;
    if (row.mask !== null) {
      for (let bit = 0; bit < 32; bit++)
        if ((row.mask & (1 << bit)) !== 0) add(`${row.facet}:bit${bit}`, row.n);
    } else if (row.facet === 'maxHours') {
      // No duration: never within "at most N hours".
      if (row.value !== null) add(`maxHours:${Number(row.value)}`, row.n);
    } else if (row.facet === 'enrolmentOpen') add(`open:${row.value === 'true'}`, row.n);
    else add(`${row.facet}:${row.value}`, row.n);
  }
  return out;
}

const none: FilterSpec = {
  kind: [],
  level: [],
  format: [],
  cost: [],
  themes: 0,
  audiences: 0,
  language: [],
  region: [],
  country: null,
  maxHours: null,
  enrolmentOpen: false,
  today: '2026-06-01',
};

const CASES: Array<[string | null, Partial<FilterSpec>]> = [
  [null, {}],
  [null, { cost: ['free'], language: ['fr'] }],
  ['cybercrime', { cost: ['free'], language: ['fr'] }],
  ['international law', { format: ['online-self-paced'], cost: ['free'], maxHours: 10 }],
  ['incident response', { kind: ['course'], enrolmentOpen: true }],
  ['diplomacy', { themes: 0b101, audiences: 0b11 }],
  ['cyber -crime', { region: ['africa'], level: ['introductory'] }],
  ['"national cybersecurity strategy"', { language: ['en'] }],
  ['confidence-building measures', { country: { countries: ['KE'], regions: ['africa'] } }],
  ['ciberseguridad OR кибербезопасности', { cost: ['free', 'funded'], maxHours: 40 }],
];

describe.each(databaseKinds())('in-memory search index on %s', (kind) => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemo(env.deps);
    await load(env.ctx(), generate(1500, 7));
  });
  afterAll(async () => env?.close());

  it('counts the same totals and facets as the SQL statement, filter by filter', async () => {
    const db = env.deps.readDb;
    for (const [q, filters] of CASES) {
      const spec = { ...none, ...filters };
      const tsq = q ? await compileQuery(db, prepareQuery(q)) : null;
      const memory = await memorySearch(db, spec, tsq);
      expect(memory, `${q}`).not.toBeNull();
      const expected = normalise(await facetCounts(db, spec, tsq));
      expect(normalise(memory!.rows), `${q} ${JSON.stringify(filters)}`).toEqual(expected);
      expect(expected[':null']).toBeGreaterThan(0);
    }
  });

  it('shows every publish, edit and archive in the next search', async () => {
    const ctx = env.ctx();
    const resource = await getResourceBySlug(ctx, 'unoda-cyberdiplomacy-e-learning');
    const find = async (q: string) => {
      const result = await searchResources(ctx, searchParamsFrom({ q }));
      return { total: result.total, slugs: result.items.map((i) => i.slug) };
    };
    const word = 'zanzibarian';
    expect((await find(word)).total).toBe(0);

    await updateResource(ctx, resource.id, { title: { en: `Zanzibarian ${word} diplomacy` } });
    expect((await find(word)).slugs).toEqual([resource.slug]);

    await transition(ctx, resource.id, 'archive');
    expect((await find(word)).total).toBe(0);
    const archivedTotal = (await searchResources(ctx, searchParamsFrom({}))).total;

    await transition(ctx, resource.id, 'publish');
    expect((await find(word)).slugs).toEqual([resource.slug]);
    expect((await searchResources(ctx, searchParamsFrom({}))).total).toBe(archivedTotal + 1);
  });

  it('follows writes it did not make (another process) and a truncated index', async () => {
    const db = env.deps.db;
    const before = await currentIndex(env.deps.readDb);
    const liveBefore = before.live;
    const removed = before.ids.find((_, slot) => before.isAlive(slot))!;
    // Written straight to the table, as another process's transaction would.
    await sql`DELETE FROM resource_index WHERE resource_id = ${removed}`.execute(db);
    const after = await currentIndex(env.deps.readDb);
    expect(after.slot(removed)).toBeUndefined();
    expect(after.live).toBe(liveBefore - 1);

    const all = (await memorySearch(env.deps.readDb, none, null))!;
    const count = await sql<{ n: string }>`SELECT count(*) AS n FROM resource_index`.execute(db);
    expect(all.rows.find((r) => r.facet === '')!.n).toBe(Number(count.rows[0]!.n));

    await sql`TRUNCATE resource_index`.execute(db);
    const empty = (await memorySearch(env.deps.readDb, none, null))!;
    expect(empty.rows.find((r) => r.facet === '')!.n).toBe(0);
    forgetIndex(env.deps.readDb);
  });

  it('is built by the server warm-up, before any search', async () => {
    const db = env.deps.readDb;
    forgetIndex(db);
    expect(hasIndex(db)).toBe(false);
    await warmUp(env.deps);
    expect(hasIndex(db)).toBe(true);
    const count = await sql<{ n: string }>`SELECT count(*) AS n FROM resource_index`.execute(db);
    expect((await currentIndex(db)).live).toBe(Number(count.rows[0]!.n));
  });
});

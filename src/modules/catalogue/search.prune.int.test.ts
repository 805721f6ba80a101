import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { seedDemo } from '../../runtime.ts';
import { catalogueModule, getResourceBySlug, updateResource } from './index.ts';
import { compileQuery } from './search.repository.ts';
import { catchUp, currentIndex, forgetIndex } from './search.memory.ts';
import { pruneIndexChanges } from './search.service.ts';
import type { MemoryIndex } from './memory-index.ts';
import { evaluate, forEachSlot, parseTsquery } from './tsquery.ts';
import { prepareQuery } from './text.ts';

const MINUTE = 60_000;

describe.each(databaseKinds())('pruning the search index change log on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-06-01T08:00:00Z'));

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    await seedDemo(env.deps);
  });
  afterAll(async () => env?.close());

  /** Live resources of `index` whose search text matches `q` (a single word: exact in memory). */
  async function matching(index: MemoryIndex, q: string): Promise<string[]> {
    const node = parseTsquery(await compileQuery(env.deps.readDb, prepareQuery(q)))!;
    const ids: string[] = [];
    forEachSlot(evaluate(node, index.source(false))!.bits, (s) => {
      if (index.isAlive(s)) ids.push(index.ids[s]!);
    });
    return ids.sort();
  }

  async function logged(): Promise<number[]> {
    const result = await sql<{ version: string }>`
      SELECT DISTINCT version FROM resource_index_changes ORDER BY version`.execute(env.deps.db);
    return result.rows.map((r) => Number(r.version));
  }

  async function indexedIds(): Promise<string[]> {
    const result = await sql<{ id: string }>`
      SELECT resource_id AS id FROM resource_index ORDER BY resource_id`.execute(env.deps.db);
    return result.rows.map((r) => r.id).sort();
  }

  function liveIds(index: MemoryIndex): string[] {
    return index.ids.filter((id, slot) => index.isAlive(slot) && index.slot(id) === slot).sort();
  }

  it('keeps the log for the retention window, then cuts it; stale processes read everything', async () => {
    const ctx = env.ctx();
    const db = env.deps.readDb;
    // A process that searched once and then sat idle past the window.
    const idle = await currentIndex(db);
    forgetIndex(db);
    const idleVersion = idle.version;

    const first = await getResourceBySlug(ctx, 'unoda-cyberdiplomacy-e-learning');
    await updateResource(ctx, first.id, { title: { en: 'Zanzibarian diplomacy primer' } });
    expect(await pruneIndexChanges(ctx)).toBe(0);
    const before = await logged();
    expect(before.some((v) => v > idleVersion)).toBe(true);

    clock.advance(30 * MINUTE);
    // A process that searched after the first change and was then idle too.
    const recent = await currentIndex(db);
    forgetIndex(db);
    const recentVersion = recent.version;
    const [second] = (await indexedIds()).filter((id) => id !== first.id);
    await updateResource(ctx, second!, { title: { en: 'Quetzalcoatlian norms primer' } });
    // The first note is 30 minutes old: nothing is cut yet.
    expect(await pruneIndexChanges(ctx)).toBe(0);
    expect(await logged()).toEqual(expect.arrayContaining(before));

    clock.advance(31 * MINUTE);
    // Run as the scheduler runs it.
    await catalogueModule.jobs!['catalogue.prune-index-changes']!(ctx, null, {
      id: 'test',
      name: 'catalogue.prune-index-changes',
      attempt: 1,
      maxAttempts: 5,
      complete: async () => {},
    });
    const after = await logged();
    // Cut at the version noted 61 minutes ago: the first change is gone, the second kept.
    expect(after.length).toBeGreaterThan(0);
    expect(Math.min(...after)).toBeGreaterThan(recentVersion);
    expect(after.some((v) => before.includes(v))).toBe(false);

    // The recent process catches up from the log, in place.
    const caughtUp = await catchUp(db, recent);
    expect(caughtUp).toBe(recent);
    expect(await matching(caughtUp, 'quetzalcoatlian')).toEqual([second]);

    // The idle one cannot (its changes were pruned): it reads the whole index and is exact.
    const rebuilt = await catchUp(db, idle);
    expect(rebuilt).not.toBe(idle);
    expect(rebuilt.version).toBe(caughtUp.version);
    expect(await matching(rebuilt, 'zanzibarian')).toEqual([first.id]);
    expect(await matching(rebuilt, 'quetzalcoatlian')).toEqual([second]);
    expect(liveIds(rebuilt)).toEqual(await indexedIds());
  });
});

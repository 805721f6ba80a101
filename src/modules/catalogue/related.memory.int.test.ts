import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemo } from '../../runtime.ts';
import { getResourceBySlug, relatedResources, transition } from './index.ts';
import { relatedIds } from './search.repository.ts';
import { relatedFromMemory } from './related.memory.ts';

describe.each(databaseKinds())('related resources from memory on %s', (kind) => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemo(env.deps);
  });
  afterAll(async () => env?.close());

  it('agrees with the SQL statement on the top results of the demo catalogue', async () => {
    const db = env.deps.readDb;
    const ids = (
      await sql<{ id: string }>`SELECT resource_id AS id FROM resource_index`.execute(db)
    ).rows.map((r) => r.id);
    let firstInTop5 = 0;
    let shared = 0;
    for (const id of ids) {
      const fromSql = (await relatedIds(db, id, 5)).map((r) => r.id);
      const fromMemory = (await relatedFromMemory(db, id, 5)).map((r) => r.id);
      expect(fromMemory).not.toContain(id);
      expect(new Set(fromMemory).size).toBe(fromMemory.length);
      if (fromSql[0] && fromMemory.includes(fromSql[0])) firstInTop5++;
      shared += fromMemory.filter((m) => fromSql.includes(m)).length;
    }
    // Measured: SQL's first in the top five for 165 of 166, 4.3 of five shared on average. The
    // scores differ (SQL weighs words by position and count), so ties and near-ties may swap.
    expect(firstInTop5).toBeGreaterThanOrEqual(Math.ceil(0.95 * ids.length));
    expect(shared / ids.length).toBeGreaterThanOrEqual(3.5);
  });

  it('lists only published resources, following archive and publish', async () => {
    const ctx = env.ctx();
    const source = await getResourceBySlug(ctx, 'introduction-to-cyber-diplomacy');
    const before = await relatedResources(ctx, source.id, 5);
    expect(before).toHaveLength(5);
    expect(before.map((r) => r.id)).not.toContain(source.id);
    const top = before[0]!;
    await transition(ctx, top.id, 'archive');
    const archived = await relatedResources(ctx, source.id, 5);
    expect(archived.map((r) => r.id)).not.toContain(top.id);
    expect(archived).toHaveLength(5);
    await transition(ctx, top.id, 'publish');
    expect((await relatedResources(ctx, source.id, 5)).map((r) => r.id)).toContain(top.id);
    // An unpublished source has none.
    await transition(ctx, source.id, 'archive');
    expect(await relatedResources(ctx, source.id, 5)).toEqual([]);
    await transition(ctx, source.id, 'publish');
  });
});

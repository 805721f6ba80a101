import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemo } from '../../runtime.ts';
import { listInitiatives, getInitiative } from './initiatives.service.ts';
import { listOverlaps } from './overlap.service.ts';

describe.each(databaseKinds())('initiatives on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemo(env.deps);
  });
  afterAll(async () => env?.close());

  it('seeds the 175 demo initiatives with M49 regions and statuses derived from their dates', async () => {
    const all = await listInitiatives(env.ctx(), { pageSize: 100 });
    expect(all.total).toBe(175);
    const glacy = await getInitiative(env.ctx(), 'glacy-e-ghana-judicial-training');
    expect(glacy.participants.map((p) => p.slug)).toContain('council-of-europe');
    const regions = new Set(all.items.flatMap((i) => i.regions));
    expect(regions.has('pacific')).toBe(false);
    const overlaps = await listOverlaps(env.ctx(), { pageSize: 5 });
    expect(overlaps.total).toBeGreaterThan(0);
  });
});

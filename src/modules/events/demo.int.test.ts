import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { seedDemoEvents } from './demo.ts';
import { programme } from './schedule.service.ts';
import { callRanking } from './review.service.ts';
import { loadEvent } from './events.service.ts';

describe.each(databaseKinds())('events demo data on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    await seedDemoEvents(env.ctx());
  });
  afterAll(async () => env?.close());

  it('runs a whole past call through the services: reviews, decisions, schedule, reports', async () => {
    const event = await loadEvent(env.ctx(), 'demo-forum-2024');
    expect(event.isDemo).toBe(true);
    const p = await programme(env.ctx(), 'demo-forum-2024');
    const sessions = p.days.flatMap((d) => d.sessions);
    expect(sessions).toHaveLength(5);
    expect(sessions.filter((s) => s.report?.filedAt)).toHaveLength(3);
    expect(sessions.filter((s) => s.reportOverdue)).toHaveLength(2);
    const ranking = await callRanking(env.ctx(), event.calls[0]!.id);
    expect(ranking.rows.length).toBe(7);
    expect(ranking.calibration.length).toBe(6);
    // Seeding twice is harmless.
    await seedDemoEvents(env.ctx());
  });
});

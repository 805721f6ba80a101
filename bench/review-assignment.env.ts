/** Builds a call with 2,000 submitted proposals and 150 reviewers on PGlite, then times assignCall. */
import { benchDeps } from './lib/deps.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { systemContext } from '../src/platform/context.ts';
import { createCall, createEvent } from '../src/modules/events/index.ts';
import { assignCall } from '../src/modules/events/review.service.ts';

export async function createTestEnvForBench(): Promise<number> {
  const database = await openDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  const deps = benchDeps(database);
  const ctx = systemContext(deps);
  const db = database.db;
  try {
    const event = await createEvent(ctx, {
      name: 'Bench',
      place: 'Here',
      startsOn: '2030-01-01',
      endsOn: '2030-01-02',
      timeZone: 'UTC',
      rooms: [],
    });
    const call = await createCall(ctx, event.id, {
      title: 'Bench',
      opensAt: '2029-01-01T00:00:00Z',
      closesAt: '2029-06-01T00:00:00Z',
      reviewsPerProposal: 3,
    });
    const groups = [
      'government',
      'igo',
      'civil-society',
      'private-sector',
      'technical-community',
      'academia',
    ];
    const users = Array.from({ length: 150 }, (_, i) => ({
      id: newId(),
      email: `r${i}@bench.example`,
      display_name: `R ${i}`,
    }));
    await db.insertInto('users').values(users).execute();
    await db
      .insertInto('event_reviewers')
      .values(
        users.map((u, i) => ({
          event_id: event.id,
          user_id: u.id,
          stakeholder_group: groups[i % 6]!,
          organisation: `Org ${(i * 31) % 97}`,
        })),
      )
      .execute();
    for (let b = 0; b < 2000; b += 500) {
      const rows = Array.from({ length: 500 }, (_, k) => ({
        id: newId(),
        call_id: call.id,
        status: 'submitted' as const,
        title: `P ${b + k}`,
      }));
      await db.insertInto('proposals').values(rows).execute();
      await db
        .insertInto('proposal_people')
        .values(
          rows.flatMap((r, k) =>
            [0, 1, 2].map((j) => ({
              id: newId(),
              proposal_id: r.id,
              role: j === 0 ? 'proposer' : 'speaker',
              position: j,
              name: 'N',
              organisation: `Org ${((b + k) * (j * 6 + 1)) % 97}`,
              stakeholder_group: groups[(b + k + j) % 6]!,
            })),
          ),
        )
        .execute();
    }
    const t = performance.now();
    const result = await assignCall(ctx, call.id);
    const ms = performance.now() - t;
    if (result.assignments.length !== 6000)
      throw new Error(`expected 6000 assignments, got ${result.assignments.length}`);
    return ms;
  } finally {
    deps.mailer.close();
    await database.close();
  }
}

/**
 * Discussions and expert search at volume: 10,000 threads (a tenth in 20 private groups, some
 * hidden) and 3,000 expert profiles on embedded PGlite, or on PostgreSQL when
 * BENCH_DATABASE_URL is set. Measures the list, search and detail services as a member of a private
 * group and as an anonymous reader, and needs matching.
 */
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { systemClock } from '../src/platform/clock.ts';
import { ANONYMOUS, systemContext, type Actor, type Deps } from '../src/platform/context.ts';
import { inProcessBus } from '../src/platform/bus.ts';
import { createMailer } from '../src/platform/mailer.ts';
import { getDiscussion, listDiscussions } from '../src/modules/discussions/index.ts';
import { matchExperts, searchExperts } from '../src/modules/experts/index.ts';

const THREADS = 10_000;
const PROFILES = 3_000;
const RUNS = 60;

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 10; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

export async function run(): Promise<string> {
  const url = process.env.BENCH_DATABASE_URL ?? null;
  const handle = await openDatabase(url ? { databaseUrl: url } : { dataDir: null });
  const db = handle.db;
  try {
    await migrateToLatest(db);
    const config = loadConfig({
      SESSION_SECRET: 'bench-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'silent',
    });
    const deps: Deps = {
      config,
      db,
      readDb: handle.readDb,
      dbKind: handle.kind,
      clock: systemClock,
      mailer: createMailer({ smtpUrl: null, from: config.mailFrom }),
      bus: inProcessBus(),
      log: pino({ level: 'silent' }),
    };
    const started = performance.now();
    // Synthetic data straight in SQL: the services would take minutes to write this much.
    await sql`INSERT INTO users (id, email, display_name) SELECT gen_random_uuid(), 'bench' || i || '@example.org', 'Bench Member ' || i FROM generate_series(1, ${PROFILES}) i`.execute(
      db,
    );
    await sql`INSERT INTO discussion_groups (id, slug, name) SELECT gen_random_uuid(), 'bench-group-' || i, 'Bench group ' || i FROM generate_series(1, 20) i`.execute(
      db,
    );
    await sql`CREATE TEMP TABLE bench_users AS SELECT id, row_number() OVER (ORDER BY email) AS n FROM users`.execute(
      db,
    );
    await sql`CREATE TEMP TABLE bench_groups AS SELECT id, row_number() OVER (ORDER BY slug) AS n FROM discussion_groups`.execute(
      db,
    );
    await sql`INSERT INTO discussion_group_members (group_id, user_id, role)
      SELECT g.id, u.id, CASE WHEN u.n % 10 = 0 THEN 'admin' ELSE 'member' END
      FROM bench_users u JOIN bench_groups g ON g.n = (u.n % 20) + 1 WHERE u.n % 4 = 0`.execute(db);
    await sql`INSERT INTO discussion_threads (id, group_id, author_id, title, language, themes, region, region_path, status, search, created_at, last_activity_at)
      SELECT gen_random_uuid(),
        CASE WHEN i % 10 = 0 THEN (SELECT id FROM bench_groups WHERE n = (i % 20) + 1) END,
        (SELECT id FROM bench_users WHERE n = (i % ${PROFILES}) + 1),
        t.title, (ARRAY['en','fr','es','ar','ru','zh'])[(i % 6) + 1],
        ARRAY[(ARRAY['policy-strategy','incident-management','cybercrime','culture-skills','standards','international-law','norms','cbms','data-protection','internet-governance'])[(i % 10) + 1]],
        (ARRAY['western-africa','eastern-africa','south-america','caribbean','south-eastern-asia','polynesia'])[(i % 6) + 1],
        ARRAY[(ARRAY['western-africa','eastern-africa','south-america','caribbean','south-eastern-asia','polynesia'])[(i % 6) + 1],
              (ARRAY['sub-saharan-africa','sub-saharan-africa','latin-america-and-the-caribbean','latin-america-and-the-caribbean','asia','oceania'])[(i % 6) + 1]],
        CASE WHEN i % 50 = 0 THEN 'hidden' ELSE 'visible' END,
        to_tsvector('simple', t.title || ' ' || t.body),
        now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval
      FROM generate_series(1, ${THREADS}) i,
        LATERAL (SELECT 'Thread ' || i || ' on ' || (ARRAY['national strategy','incident response','cybercrime law','awareness','standards','due diligence','norm implementation','points of contact','data protection authority','multistakeholder forum'])[(i % 10) + 1] AS title,
                        'How do small delegations handle ' || (ARRAY['budget','staffing','drafting','coordination','reporting'])[(i % 5) + 1] || ' for policy work number ' || i AS body) t`.execute(
      db,
    );
    await sql`INSERT INTO discussion_posts (id, thread_id, author_id, is_opening, body_md, body_html, created_at)
      SELECT gen_random_uuid(), id, author_id, true, 'Opening post of ' || title, '<p>Opening post of ' || title || '</p>', created_at FROM discussion_threads`.execute(
      db,
    );
    await sql`INSERT INTO expert_profiles (id, user_id, name, about, themes, languages, countries, experience_area, stakeholder_group, available_for, visibility, audience, search_public, search_members, search_owner)
      SELECT gen_random_uuid(), u.id, 'Bench Expert ' || u.n, 'Works on policy ' || u.n,
        ARRAY[(ARRAY['policy-strategy','incident-management','cybercrime','culture-skills','standards','international-law','norms','cbms','data-protection','internet-governance'])[(u.n % 10) + 1]],
        ARRAY[(ARRAY['en','fr','es','ar','pt','sw'])[(u.n % 6) + 1]],
        ARRAY[(ARRAY['GH','SN','KE','PE','FJ','VN'])[(u.n % 6) + 1]],
        ARRAY[(ARRAY['GH','SN','KE','PE','FJ','VN'])[(u.n % 6) + 1], (ARRAY['africa','africa','africa','americas','oceania','asia'])[(u.n % 6) + 1]],
        'academia', ARRAY['missions'],
        CASE WHEN u.n % 3 = 0 THEN '{"name":"members","about":"members","expertise":"public","languages":"members","experience":"public","stakeholderGroup":"public","organisation":"members","availability":"public","links":"members"}'::jsonb
             ELSE '{"name":"public","about":"public","expertise":"public","languages":"public","experience":"public","stakeholderGroup":"public","organisation":"public","availability":"public","links":"public"}'::jsonb END,
        'public',
        to_tsvector('simple', 'Bench Expert ' || u.n || ' Works on policy'),
        to_tsvector('simple', 'Bench Expert ' || u.n || ' Works on policy'),
        to_tsvector('simple', 'Bench Expert ' || u.n || ' Works on policy')
      FROM bench_users u WHERE u.n <= ${PROFILES}`.execute(db);
    await sql`ANALYZE`.execute(db);
    const seeded = (performance.now() - started) / 1000;

    const member = (
      await sql<{ id: string }>`SELECT user_id AS id FROM discussion_group_members LIMIT 1`.execute(
        db,
      )
    ).rows[0]!.id;
    const memberActor: Actor = {
      userId: member,
      label: 'Bench member',
      grants: [],
      via: 'session',
    };
    const asMember = systemContext(deps, memberActor);
    const asAnonymous = systemContext(deps, ANONYMOUS);
    const someThread = (await listDiscussions(asAnonymous, { pageSize: 1 })).items[0]!.id;

    const rows: Array<[string, { p50: number; p95: number }]> = [
      ['discussions: newest, anonymous', await time(() => listDiscussions(asAnonymous, {}))],
      ['discussions: newest, member of groups', await time(() => listDiscussions(asMember, {}))],
      [
        'discussions: theme + region + language',
        await time(() =>
          listDiscussions(asMember, {
            theme: 'cybercrime',
            region: 'sub-saharan-africa',
            language: 'en',
          }),
        ),
      ],
      [
        'discussions: text search "incident response"',
        await time(() => listDiscussions(asMember, { q: 'incident response' })),
      ],
      ['discussions: one thread with posts', await time(() => getDiscussion(asMember, someThread))],
      ['experts: directory, anonymous', await time(() => searchExperts(asAnonymous, {}))],
      [
        'experts: theme + language, member',
        await time(() => searchExperts(asMember, { theme: 'cybercrime', language: 'en' })),
      ],
      ['experts: text search', await time(() => searchExperts(asMember, { q: 'policy' }))],
      [
        'experts: match a need (theme, language, country)',
        await time(() =>
          matchExperts(asMember, {
            themes: ['cybercrime'],
            languages: ['fr'],
            countries: ['SN'],
            limit: 5,
          }),
        ),
      ],
    ];
    deps.mailer.close();
    await deps.bus.close();
    return [
      `## Discussions and experts (${new Date().toISOString().slice(0, 10)})`,
      '',
      `${handle.kind === 'pglite' ? 'PGlite (embedded, worker thread)' : 'PostgreSQL'}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}.`,
      `${THREADS.toLocaleString('en')} threads (10 % in 20 private groups, 2 % hidden), ${PROFILES.toLocaleString('en')} expert profiles; data made in ${seeded.toFixed(1)} s. ${RUNS} timed calls each, in process (service layer, no HTTP).`,
      '',
      '| operation | p50 ms | p95 ms |',
      '| --- | ---: | ---: |',
      ...rows.map(([name, t]) => `| ${name} | ${t.p50.toFixed(1)} | ${t.p95.toFixed(1)} |`),
      '',
    ].join('\n');
  } finally {
    await handle.close();
  }
}

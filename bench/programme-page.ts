/**
 * The public programme of a large event: 300 scheduled sessions (4 days × 10 rooms, 4 people and
 * 2 themes each), rendered at /events/{slug}/programme through the whole app on PGlite. Reports
 * the HTML bytes, raw and gzip-compressed (as the app sends them), against DESIGN.md's budget of
 * 30 KB compressed, for an anonymous visitor and a signed-in one (who gets agenda buttons), and
 * the server time per render.
 */
import { benchDeps } from './lib/deps.ts';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { systemContext } from '../src/platform/context.ts';
import { buildApp } from '../src/app.ts';
import { createEvent, programme } from '../src/modules/events/index.ts';
import { createUser, startSession, SESSION_COOKIE } from '../src/modules/accounts/index.ts';
import { median, quantile, table } from './lib/report.ts';

const SESSIONS = 300;
const BUDGET = 30 * 1024;
const RENDERS = Number(process.env.BENCH_RENDERS ?? 15);

const THEMES = [
  'policy-strategy',
  'incident-management',
  'cybercrime',
  'culture-skills',
  'standards',
  'international-law',
  'norms',
  'cbms',
  'data-protection',
  'internet-governance',
];
const FORMATS = ['panel', 'round-table-u', 'workshop', 'debate', 'lightning-talk'];
// Realistic variety matters for compression: titles, names and organisations are drawn from
// word lists with a seeded generator, so that no two sessions repeat the same strings.
const FIRST =
  `Amina Bruno Chen Dmitri Esi Farah Gabriel Hina Ivan Jia Kwame Lucia Mateo Nadia Omar Priya
Quang Rania Sione Tomás Uzma Valeria Wanjiru Xolani Yasmin Zainab Aroha Bilal Camila Dang Elif Femi
Grace Hamza Ines Joon Kalani Leila Mihail Nomvula Olga Pablo`.split(/\s+/);
const LAST =
  `Okafor Silva Wang Petrov Mensah Haddad Rossi Khan Novak Tuilagi Nguyen Ortiz Kariuki Dlamini
Sato Haile Fernández Kowalski Abdullah Banda Chowdhury Diallo Eriksen Fonoti Guerrero Hosseini Ivanova
Jovanović Kamau Lindqvist Mbeki Nakamura Obi Pereira Quispe Rahman Sithole Tan Usman Vargas`.split(
    /\s+/,
  );
const ADJECTIVES =
  `regional national inclusive practical open shared resilient emerging trusted effective
sustainable multilingual community-led evidence-based cross-border gender-responsive`.split(/\s+/);
const SUBJECTS =
  `CERT cooperation|norm implementation|cyber diplomacy training|incident response|data protection
rules|cybercrime legislation|confidence-building measures|critical infrastructure protection|cyber
capacity building|internet governance|threat information sharing|digital public infrastructure|online
child protection|election security|cyber hygiene campaigns|national cyber strategies|submarine cable
security|AI and cyber security|ransomware response|cyber workforce development`
    .replace(/\n/g, ' ')
    .split('|');
const AUDIENCES =
  `small island states|least developed countries|landlocked countries|the Pacific|West
Africa|Latin America|Central Asia|the Caribbean|South-East Asia|the Western Balkans|East Africa|the
Arab region`
    .replace(/\n/g, ' ')
    .split('|');
const ORGS =
  `Ministry of Foreign Affairs|National CERT|Cyber Policy Institute|University|Digital Rights
Network|Telecom Regulator|Regional Organisation|Tech Alliance|Law Faculty|Civil Society Forum|ICT
Authority|Internet Society Chapter`
    .replace(/\n/g, ' ')
    .split('|');

function generator(seed: number) {
  let x = seed;
  return <T>(list: readonly T[]): T => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return list[(x >>> 8) % list.length]!;
  };
}

async function setUp() {
  const database = await openDatabase({ dataDir: null });
  await migrateToLatest(database.db);
  const deps = benchDeps(database);
  const ctx = systemContext(deps);
  const days = ['2030-06-24', '2030-06-25', '2030-06-26', '2030-06-27'];
  const starts = ['07:00', '08:30', '10:00', '11:30', '13:00', '14:30', '16:00', '17:30'];
  const event = await createEvent(ctx, {
    name: 'Bench Forum 2030',
    slug: 'bench-forum',
    place: 'Geneva',
    startsOn: days[0]!,
    endsOn: days[days.length - 1]!,
    timeZone: 'Europe/Zurich',
    rooms: Array.from({ length: 10 }, (_, i) => ({ name: `Room ${i + 1}`, capacity: 100 })),
    slots: days.flatMap((d) =>
      starts.map((s) => ({
        startsAt: `${d}T${s}:00Z`,
        endsAt: new Date(Date.parse(`${d}T${s}:00Z`) + 75 * 60000).toISOString(),
      })),
    ),
  });
  const cells = event.slots.flatMap((slot) => event.rooms.map((room) => ({ slot, room })));
  const pick = generator(7);
  const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const sessions = cells.slice(0, SESSIONS).map(({ slot, room }, i) => ({
    id: newId(),
    event_id: event.id,
    title: `${capital(pick(ADJECTIVES))} ${pick(SUBJECTS)} for ${pick(AUDIENCES)}`,
    description: 'A session of the bench programme.',
    format: FORMATS[i % FORMATS.length]!,
    themes: [THEMES[i % THEMES.length]!, THEMES[(i * 7 + 3) % THEMES.length]!],
    room_id: room.id,
    slot_id: slot.id,
    starts_at: slot.startsAt,
    ends_at: new Date(slot.startsAt.getTime() + 60 * 60000),
    duration_minutes: 60,
    report_due_at: new Date(slot.startsAt.getTime() + 15 * 86_400_000),
  }));
  await deps.db.insertInto('event_sessions').values(sessions).execute();
  await deps.db
    .insertInto('session_people')
    .values(
      sessions.flatMap((s, i) =>
        ['speaker', 'speaker', 'speaker', 'onsite-moderator'].map((role, k) => ({
          session_id: s.id,
          position: k,
          role,
          name: `${pick(FIRST)} ${pick(LAST)}${i % 5 === k ? `-${pick(LAST)}` : ''}`,
          email: null,
          organisation: `${pick(ORGS)} ${i}-${k}`,
          stakeholder_group: 'civil-society',
        })),
      ),
    )
    .execute();
  const user = await createUser(ctx, {
    email: 'bench@example.org',
    displayName: 'Bench',
    password: 'correct horse battery staple',
    verified: true,
  });
  const token = await startSession(ctx, user.id, { mfaPassed: true });
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  return {
    app,
    ctx,
    cookie: `${SESSION_COOKIE}=${token}`,
    async close() {
      await app.close();
      deps.mailer.close();
      await deps.bus.close();
      await database.close();
    },
  };
}

export async function run(): Promise<string> {
  const env = await setUp();
  try {
    const url = '/events/bench-forum/programme';
    const rows: Array<Array<string | number>> = [];
    for (const [who, headers] of [
      ['anonymous', {}],
      ['signed in', { cookie: env.cookie }],
    ] as const) {
      const times: number[] = [];
      let html = '';
      let sent = 0;
      let encoding = '';
      for (let i = 0; i < RENDERS; i++) {
        const t = performance.now();
        const res = await env.app.inject({
          url,
          headers: { accept: 'text/html', 'accept-encoding': 'gzip', ...headers },
        });
        times.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
        sent = res.rawPayload.length;
        encoding = String(res.headers['content-encoding'] ?? 'none');
        if (i === 0) {
          const plain = await env.app.inject({ url, headers: { accept: 'text/html', ...headers } });
          html = plain.body;
          // BENCH_DUMP=dir keeps the pages for a look at their markup.
          if (process.env.BENCH_DUMP)
            writeFileSync(
              `${process.env.BENCH_DUMP}/programme-${who.replace(' ', '-')}.html`,
              html,
            );
        }
      }
      const sessions = (html.match(/<article class="session"/g) ?? []).length;
      if (sessions !== SESSIONS) throw new Error(`expected ${SESSIONS} sessions, saw ${sessions}`);
      const gzip = gzipSync(html).length;
      rows.push([
        who,
        `${(Buffer.byteLength(html) / 1024).toFixed(1)} KB`,
        `${(gzip / 1024).toFixed(1)} KB`,
        `${(sent / 1024).toFixed(1)} KB (${encoding})`,
        gzip <= BUDGET ? 'within' : 'OVER',
        `${median(times).toFixed(0)} ms`,
        `${quantile(times, 0.95).toFixed(0)} ms`,
      ]);
    }
    const service: number[] = [];
    for (let i = 0; i < RENDERS; i++) {
      const t = performance.now();
      await programme(env.ctx, 'bench-forum');
      service.push(performance.now() - t);
    }
    return [
      `\`${url}\` with ${SESSIONS} scheduled sessions (4 days × 8 slots × 10 rooms, 4 people and 2 themes each), through the whole app on in-memory PGlite (app.inject), ${RENDERS} renders each. Budget (DESIGN.md §7): HTML ≤ 30 KB compressed.`,
      '',
      table(
        [
          'visitor',
          'HTML raw',
          'gzip (zlib default)',
          'as sent',
          'budget',
          'render median',
          'render p95',
        ],
        rows,
      ),
      '',
      `Of which reading the programme (\`programme()\`: event, sessions, people, reports): median ${median(service).toFixed(0)} ms, p95 ${quantile(service, 0.95).toFixed(0)} ms.`,
    ].join('\n');
  } finally {
    await env.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await run());
}

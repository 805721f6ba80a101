/**
 * The database the load benchmark runs against: a named PostgreSQL database (kept between runs,
 * because seeding 100,000 resources takes minutes), migrated, filled with generated resources and
 * initiatives, plus an editor with an API token for the writes of the mixed scenario.
 */
import { benchDeps } from './deps.ts';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { systemContext, type Deps, type ServiceContext } from '../../src/platform/context.ts';
import { newId } from '../../src/platform/ids.ts';
import { actorFor, createUser, grantRole } from '../../src/modules/accounts/index.ts';
import { createApiToken } from '../../src/modules/accounts/api-tokens.service.ts';
import { statusOn } from '../../src/modules/initiatives/initiatives.ts';
import { generate, load } from './catalogue-data.ts';
import { generateInitiatives } from '../initiatives-generator.ts';

export interface LoadSizes {
  resources: number;
  initiatives: number;
}

export interface LoadDatabase {
  url: string;
  /** Slugs to visit: resources and initiatives. */
  resourceSlugs: string[];
  initiativeSlugs: string[];
  /** A Bearer token of a site editor (read and write scopes). */
  editorToken: string;
  seedSeconds: number | null;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function depsOver(database: DatabaseHandle): Deps {
  return benchDeps(database);
}

/** Initiatives from the overlap benchmark's generator, published, inserted in batches. */
async function loadInitiatives(ctx: ServiceContext, count: number): Promise<void> {
  const today = new Date().toISOString().slice(0, 10);
  const items = generateInitiatives(count);
  const now = new Date();
  for (let offset = 0; offset < items.length; offset += 1000) {
    await ctx.db
      .insertInto('initiatives')
      .values(
        items.slice(offset, offset + 1000).map((item, i) => ({
          id: newId(),
          slug: `generated-initiative-${offset + i}`,
          title: item.title,
          description: item.description,
          countries: [...item.countries],
          themes: [...item.themes],
          starts_on: item.startsOn,
          ends_on: item.endsOn,
          status: statusOn(
            { status: 'implementation', startsOn: item.startsOn, endsOn: item.endsOn },
            today,
          ),
          workflow: 'published',
          published_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
}

const SEED_KEY = 'load_bench_seed';

/**
 * Opens (creating and seeding when needed) the database `name` on the server at `serverUrl`.
 * A database seeded with other sizes is dropped and seeded again.
 */
export async function openLoadDatabase(
  serverUrl: string,
  name: string,
  sizes: LoadSizes,
): Promise<LoadDatabase> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const url = withDatabase(serverUrl, name);
  let seedSeconds: number | null = null;
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) {
      const probe = new pg.Client({ connectionString: url });
      await probe.connect();
      const seeded = await probe
        .query<{ value: LoadSizes }>('SELECT value FROM meta WHERE key = $1', [SEED_KEY])
        .catch(() => ({ rows: [] as Array<{ value: LoadSizes }> }));
      await probe.end();
      const value = seeded.rows[0]?.value;
      if (value?.resources !== sizes.resources || value.initiatives !== sizes.initiatives) {
        await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      }
    }
    const again = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!again.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }

  const database = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const deps = depsOver(database);
  const ctx = systemContext(deps);
  await migrateToLatest(database.db);
  const seeded = await database.db
    .selectFrom('meta')
    .select('key')
    .where('key', '=', SEED_KEY)
    .executeTakeFirst();
  if (!seeded) {
    const started = performance.now();
    console.log(`seeding ${sizes.resources} resources and ${sizes.initiatives} initiatives…`);
    await load(ctx, generate(sizes.resources));
    await loadInitiatives(ctx, sizes.initiatives);
    // A running catalogue's links have been checked lately: without this the daily link check
    // starts on 100,000 unchecked links as the servers start, and with no network here it marks
    // them broken one by one, each a change that readers see, all through the measured runs.
    await sql`UPDATE resources SET link_status = 'ok', link_checked_at = now()`.execute(
      database.db,
    );
    await database.db
      .insertInto('meta')
      .values({ key: SEED_KEY, value: JSON.stringify(sizes) })
      .execute();
    await sql`VACUUM ANALYZE`.execute(database.db);
    seedSeconds = (performance.now() - started) / 1000;
    console.log(`seeded in ${seedSeconds.toFixed(0)} s`);
  }

  // A new editor each run: a user may hold only so many active tokens.
  const editor = await createUser(ctx, {
    email: `load-editor-${Date.now()}@example.org`,
    displayName: 'Load Benchmark Editor',
    password: 'load benchmark editor password',
    verified: true,
  });
  await grantRole(ctx, editor.id, 'editor');
  const actor = { ...(await actorFor(ctx, editor.id)), mfa: true };
  const token = await createApiToken(systemContext(deps, actor), {
    tokenName: 'load benchmark',
    scopes: ['read', 'write'],
    expiresInDays: 7,
  });

  const slugs = async (table: 'resources' | 'initiatives') =>
    (
      await database.db
        .selectFrom(table)
        .select('slug')
        .where(table === 'resources' ? 'status' : 'workflow', '=', 'published')
        // A sample from the whole table, not its first pages: the cache sees realistic spread.
        .orderBy(sql`random()`)
        .limit(2000)
        .execute()
    ).map((r) => r.slug);
  const resourceSlugs = await slugs('resources');
  const initiativeSlugs = await slugs('initiatives');
  return {
    url,
    resourceSlugs,
    initiativeSlugs,
    editorToken: token.secret,
    seedSeconds,
    async close() {
      deps.mailer.close();
      await deps.bus.close();
      await database.close();
    },
  };
}

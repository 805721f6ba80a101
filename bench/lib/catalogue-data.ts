/**
 * Synthetic catalogue for benchmarks: N resources made from the demo set's own vocabulary, so word
 * frequencies, languages and filter values look like a real catalogue grown large. Deterministic
 * (seeded), and loaded in batches straight into `resources` and the search index — the same index
 * rows the service writes, built by the same `indexEntry()`.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { newId } from '../../src/platform/ids.ts';
import { indexEntry } from '../../src/modules/catalogue/indexing.ts';
import { vectorOf } from '../../src/modules/catalogue/resources.repository.ts';
import type { ResourceInput } from '../../src/modules/catalogue/resources.ts';
import { countries } from '../../src/modules/reference/index.ts';
import type { ServiceContext } from '../../src/platform/context.ts';

type Demo = ResourceInput & { providers: string[] };

function demo(): Demo[] {
  const file = new URL('../../src/modules/catalogue/demo/resources.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as Demo[];
}

/** Mulberry32: small, fast, good enough to make data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Generated {
  id: string;
  slug: string;
  input: ResourceInput;
}

/** `count` resources; text mixes words of demo texts in the same language. */
export function generate(count: number, seed = 42): Generated[] {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const items = demo();
  const out: Generated[] = [];
  const day = (base: number, spread: number) =>
    new Date(Date.UTC(2026, 0, 1) + Math.floor(base + rand() * spread) * 86_400_000)
      .toISOString()
      .slice(0, 10);
  const mix = (a: string, b: string, keep: number) => {
    const wa = a.split(' ');
    const wb = b.split(' ');
    const cut = Math.max(1, Math.floor(wa.length * keep));
    return [...wa.slice(0, cut), ...wb.slice(Math.floor(wb.length * keep))].join(' ');
  };
  for (let i = 0; i < count; i++) {
    const a = pick(items);
    const b = pick(items);
    const title: Record<string, string> = {};
    const summary: Record<string, string> = {};
    for (const [lang, text] of Object.entries(a.title)) {
      const other = b.title[lang] ?? pick(items).title[lang] ?? text;
      title[lang] = mix(text, other, 0.3 + rand() * 0.4);
      const s = a.summary[lang] ?? '';
      summary[lang] = mix(s, b.summary[lang] ?? s, 0.5);
    }
    const source = pick(items);
    const id = newId();
    const start = rand() < 0.4 ? day(-200, 600) : null;
    const input: ResourceInput = {
      externalId: `gen-${i}`,
      slug: `generated-${i}`,
      kind: pick(items).kind,
      title,
      summary,
      description: mix(a.description, pick(items).description, 0.5),
      descriptionLanguage: Object.keys(a.title)[0] ?? 'en',
      url: `https://example.org/generated/${i}`,
      providers: pick(items).providers,
      themes: [
        ...new Set([pick(items).themes[0]!, ...(rand() < 0.6 ? [pick(items).themes[0]!] : [])]),
      ],
      audiences: pick(items).audiences,
      level: pick(items).level,
      format: source.format,
      registration: source.registration,
      cost: pick(items).cost,
      price: source.price,
      currency: source.currency,
      eligibility: null,
      durationHours: pick(items).durationHours,
      languages: a.languages,
      regions: rand() < 0.3 ? pick(items).regions : [],
      countries: rand() < 0.2 ? pick(items).countries : [],
      startsOn: start,
      endsOn: start ? day(Date.parse(start) / 86_400_000 - 20454 + 14, 90) : null,
      enrolBy: rand() < 0.3 ? day(-100, 500) : null,
      certificate: rand() < 0.4,
      accessibility: null,
      verifiedAt: day(-400, 700),
    };
    if (input.endsOn && input.startsOn && input.endsOn < input.startsOn) input.endsOn = null;
    if (input.enrolBy && input.endsOn && input.enrolBy > input.endsOn) input.enrolBy = null;
    out.push({ id, slug: input.slug!, input });
  }
  return out;
}

/** Loads generated resources (published) into the content table and the search index. */
export async function load(
  ctx: ServiceContext,
  rows: readonly Generated[],
  batch = 250,
): Promise<void> {
  const db: Db = ctx.db;
  const regions = new Map((await countries(ctx)).map((c) => [c.iso2, c]));
  const publishedBase = Date.UTC(2024, 0, 1);
  for (let offset = 0; offset < rows.length; offset += batch) {
    const slice = rows.slice(offset, offset + batch);
    const times = slice.map((_, i) => new Date(publishedBase + (offset + i) * 600_000));
    await db
      .insertInto('resources')
      .values(
        slice.map(({ id, input }, i) => ({
          id,
          slug: input.slug!,
          external_id: input.externalId,
          kind: input.kind,
          status: 'published' as const,
          title: JSON.stringify(input.title),
          summary: JSON.stringify(input.summary),
          description: input.description,
          description_language: input.descriptionLanguage,
          url: input.url,
          themes: input.themes,
          audiences: input.audiences,
          level: input.level,
          format: input.format,
          registration: input.registration,
          cost: input.cost,
          price: input.price,
          currency: input.currency,
          eligibility: null,
          duration_hours: input.durationHours,
          languages: input.languages,
          regions: input.regions,
          countries: input.countries,
          starts_on: input.startsOn,
          ends_on: input.endsOn,
          enrol_by: input.enrolBy,
          certificate: input.certificate,
          accessibility: null,
          verified_at: input.verifiedAt,
          organisation_id: null,
          created_by: null,
          created_at: times[i]!,
          updated_at: times[i]!,
          published_at: times[i]!,
        })),
      )
      .execute();
    await db
      .insertInto('resource_providers')
      .values(
        slice.flatMap(({ id, input }) =>
          input.providers.map((name, position) => ({
            resource_id: id,
            position,
            name,
            organisation_id: null,
          })),
        ),
      )
      .execute();
    const entries = slice.map(({ id, input }, i) =>
      indexEntry(id, input, input.providers, regions, {
        publishedAt: times[i]!,
        updatedAt: times[i]!,
      }),
    );
    await sql`
      INSERT INTO resource_index (resource_id, kind, level, format, cost, themes, audiences,
        languages, regions, region_codes, countries, duration_hours, starts_on, ends_on, enrol_by,
        published_at, updated_at, title_vector, search_vector)
      VALUES ${sql.join(
        entries.map(
          (e) => sql`(${e.resourceId}, ${e.kind}, ${e.level}, ${e.format}, ${e.cost}, ${e.themes},
            ${e.audiences}, ${e.languages}::text[], ${e.regions}::text[], ${e.regionCodes}::text[],
            ${e.countries}::text[], ${e.durationHours}, ${e.startsOn}::date, ${e.endsOn}::date,
            ${e.enrolBy}::date, ${e.publishedAt}, ${e.updatedAt},
            ${vectorOf(e.texts.filter((t) => t.weight === 'A'))}, ${vectorOf(e.texts)})`,
        ),
      )}`.execute(db);
  }
  await sql`ANALYZE`.execute(db);
}

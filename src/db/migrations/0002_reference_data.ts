import { sql, type Kysely } from 'kysely';
import countries from '../../modules/reference/sources/countries.json' with { type: 'json' };
import languages from '../../modules/reference/sources/languages.json' with { type: 'json' };
import regions from '../../modules/reference/sources/regions.json' with { type: 'json' };
import { TAXONOMIES } from '../../modules/reference/taxonomies.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE regions (
    slug text PRIMARY KEY,
    m49 text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('region', 'subRegion', 'intermediateRegion')),
    parent text REFERENCES regions (slug)
  )`.execute(db);
  await sql`CREATE TABLE countries (
    iso2 char(2) PRIMARY KEY,
    iso3 char(3) NOT NULL UNIQUE,
    m49 text NOT NULL,
    name text NOT NULL,
    region text REFERENCES regions (slug),
    sub_region text REFERENCES regions (slug),
    intermediate_region text REFERENCES regions (slug),
    un_member boolean NOT NULL,
    un_group text,
    ldc boolean NOT NULL,
    lldc boolean NOT NULL,
    sids boolean NOT NULL,
    languages text[] NOT NULL DEFAULT '{}'
  )`.execute(db);
  await sql`CREATE INDEX countries_region ON countries (region)`.execute(db);
  await sql`CREATE TABLE languages (
    code text PRIMARY KEY,
    name text NOT NULL,
    native_name text NOT NULL,
    dir text NOT NULL CHECK (dir IN ('ltr', 'rtl'))
  )`.execute(db);
  await sql`CREATE TABLE taxonomy_terms (
    taxonomy text NOT NULL,
    code text NOT NULL,
    label text NOT NULL,
    sort integer NOT NULL,
    extra jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (taxonomy, code)
  )`.execute(db);

  // Parents first, so that the foreign key holds row by row.
  const order = { region: 0, subRegion: 1, intermediateRegion: 2 } as const;
  const sortedRegions = [...regions].sort(
    (a, b) => order[a.kind as keyof typeof order] - order[b.kind as keyof typeof order],
  );
  for (const r of sortedRegions) {
    await db
      .insertInto('regions')
      .values({ slug: r.slug, m49: r.m49, name: r.name, kind: r.kind, parent: r.parent })
      .execute();
  }
  await db
    .insertInto('countries')
    .values(
      countries.map((c) => ({
        iso2: c.iso2,
        iso3: c.iso3,
        m49: c.m49,
        name: c.name,
        region: c.region,
        sub_region: c.subRegion,
        intermediate_region: c.intermediateRegion,
        un_member: c.unMember,
        un_group: c.unGroup,
        ldc: c.ldc,
        lldc: c.lldc,
        sids: c.sids,
        languages: c.languages,
      })),
    )
    .execute();
  await db
    .insertInto('languages')
    .values(
      languages.map((l) => ({ code: l.code, name: l.name, native_name: l.nativeName, dir: l.dir })),
    )
    .execute();
  const terms = Object.entries(TAXONOMIES).flatMap(([taxonomy, list]) =>
    list.map((term, sort) => ({
      taxonomy,
      code: term.code,
      label: term.label,
      sort,
      extra: JSON.stringify('extra' in term ? term.extra : {}),
    })),
  );
  await db.insertInto('taxonomy_terms').values(terms).execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are append-only');
}

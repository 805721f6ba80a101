/**
 * What the search index holds for a resource, worked out in the application: which text goes to
 * which language configuration with which weight, the bit masks of themes and audiences, and the
 * regions a resource reaches through the countries it names.
 */
import { TAXONOMIES } from '../reference/index.ts';
import type { IndexEntry } from './resources.repository.ts';
import { AUDIENCES, THEMES, type ResourceInput } from './resources.ts';
import { cjkBigrams, configFor, SIMPLE_CONFIG, vocabulary } from './text.ts';

/** Bit i stands for the i-th code of the vocabulary (taxonomies only ever grow at the end). */
export function maskOf(codes: readonly string[], vocabulary: readonly string[]): number {
  let mask = 0;
  for (const code of codes) {
    const bit = vocabulary.indexOf(code);
    if (bit >= 0) mask |= 1 << bit;
  }
  return mask;
}

export function themeMask(codes: readonly string[]): number {
  return maskOf(codes, THEMES);
}

export function audienceMask(codes: readonly string[]): number {
  return maskOf(codes, AUDIENCES);
}

function label(taxonomy: 'theme' | 'audience' | 'resourceKind', code: string): string {
  return (
    (TAXONOMIES[taxonomy] as ReadonlyArray<{ code: string; label: string }>).find(
      (t) => t.code === code,
    )?.label ?? code
  );
}

export interface CountryRegions {
  region: string | null;
  subRegion: string | null;
  intermediateRegion: string | null;
}

/** The regions named, plus every region (and sub-region) of the countries named. */
export function regionCodes(
  input: Pick<ResourceInput, 'regions' | 'countries'>,
  countries: ReadonlyMap<string, CountryRegions>,
): string[] {
  const out = new Set(input.regions);
  for (const iso2 of input.countries) {
    const c = countries.get(iso2);
    for (const r of [c?.region, c?.subRegion, c?.intermediateRegion]) if (r) out.add(r);
  }
  return [...out];
}

/** Texts to index with their configuration and weight: titles A; summaries, providers B; … */
export function indexTexts(
  input: ResourceInput,
  providerNames: readonly string[],
): IndexEntry['texts'] {
  const texts: IndexEntry['texts'] = [];
  for (const [lang, text] of Object.entries(input.title))
    texts.push({ config: configFor(lang), text: cjkBigrams(text), weight: 'A' });
  for (const [lang, text] of Object.entries(input.summary))
    texts.push({ config: configFor(lang), text: cjkBigrams(text), weight: 'B' });
  if (providerNames.length)
    texts.push({ config: SIMPLE_CONFIG, text: providerNames.join(' ; '), weight: 'B' });
  const descriptionConfig = configFor(input.descriptionLanguage);
  if (input.description)
    texts.push({ config: descriptionConfig, text: cjkBigrams(input.description), weight: 'C' });
  if (input.themes.length)
    texts.push({
      config: configFor('en'),
      text: input.themes.map((t) => label('theme', t)).join(' ; '),
      weight: 'C',
    });
  const rest = [
    label('resourceKind', input.kind),
    ...input.audiences.map((a) => label('audience', a)),
  ].join(' ; ');
  texts.push({ config: configFor('en'), text: rest, weight: 'D' });
  const extra = [input.eligibility, input.accessibility].filter(Boolean).join(' ; ');
  if (extra) texts.push({ config: descriptionConfig, text: cjkBigrams(extra), weight: 'D' });
  return texts;
}

/** The words a resource adds to the typo-correction vocabulary. */
export function vocabularyOf(input: ResourceInput, providerNames: readonly string[]): string[] {
  return vocabulary([
    ...Object.values(input.title),
    ...Object.values(input.summary),
    input.description,
    ...providerNames,
    ...input.themes.map((t) => label('theme', t)),
  ]);
}

export function indexEntry(
  resourceId: string,
  input: ResourceInput,
  providerNames: readonly string[],
  countries: ReadonlyMap<string, CountryRegions>,
  times: { publishedAt: Date; updatedAt: Date },
): IndexEntry {
  return {
    resourceId,
    kind: input.kind,
    level: input.level,
    format: input.format,
    cost: input.cost,
    themes: themeMask(input.themes),
    audiences: audienceMask(input.audiences),
    languages: input.languages,
    regions: input.regions,
    regionCodes: regionCodes(input, countries),
    countries: input.countries,
    durationHours: input.durationHours,
    startsOn: input.startsOn,
    endsOn: input.endsOn,
    enrolBy: input.enrolBy,
    publishedAt: times.publishedAt,
    updatedAt: times.updatedAt,
    texts: indexTexts(input, providerNames),
  };
}

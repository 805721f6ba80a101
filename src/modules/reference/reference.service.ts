import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './reference.repository.ts';
import { toCountry, toLanguage, type Country, type Language } from './reference.ts';
import { TAXONOMIES } from './taxonomies.ts';

let countryCache: Promise<Country[]> | null = null;

/** Reference data changes only with a migration, so one read per process serves every request. */
export function countries(ctx: Pick<ServiceContext, 'readDb'>): Promise<Country[]> {
  countryCache ??= repo.listCountries(ctx.readDb).then((rows) => rows.map(toCountry));
  countryCache.catch(() => {
    countryCache = null;
  });
  return countryCache;
}

export async function country(ctx: Pick<ServiceContext, 'readDb'>, iso2: string): Promise<Country> {
  const found = (await countries(ctx)).find((c) => c.iso2 === iso2.toUpperCase());
  if (!found) throw AppError.notFound(`The country "${iso2}"`);
  return found;
}

export async function countryMap(
  ctx: Pick<ServiceContext, 'readDb'>,
): Promise<Map<string, Country>> {
  return new Map((await countries(ctx)).map((c) => [c.iso2, c]));
}

export async function languages(ctx: Pick<ServiceContext, 'readDb'>): Promise<Language[]> {
  return (await repo.listLanguages(ctx.readDb)).map(toLanguage);
}

export async function regions(ctx: Pick<ServiceContext, 'readDb'>) {
  return repo.listRegions(ctx.readDb);
}

export function taxonomies() {
  return TAXONOMIES;
}

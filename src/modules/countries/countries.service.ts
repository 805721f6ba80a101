import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { authorize, isAllowed } from '../accounts/index.ts';
import { countries, country as referenceCountry, type Country } from '../reference/index.ts';
import { listOrganisations, membershipsOf, type Organisation } from '../organisations/index.ts';
import {
  initiativesOfCountry,
  needsOfCountry,
  type Initiative,
  type Need,
} from '../initiatives/index.ts';
import * as repo from './countries.repository.ts';
import {
  isProfileField,
  normaliseEntry,
  PROFILE_FIELDS,
  type ProfileEntry,
  type ProfileField,
} from './countries.ts';

export interface CountryProfile {
  country: Country;
  entries: ProfileEntry[];
  memberships: Organisation[];
  received: Initiative[];
  delivered: Initiative[];
  needs: Need[];
}

function entriesFrom(rows: Awaited<ReturnType<typeof repo.fieldsOf>>): Map<string, ProfileEntry[]> {
  const map = new Map<string, ProfileEntry[]>();
  for (const r of rows) {
    if (!isProfileField(r.field)) continue;
    const list = map.get(r.country.trim()) ?? [];
    list.push({
      field: r.field,
      value: r.value,
      sourceUrl: r.source_url,
      asOf: r.as_of,
      isDemo: r.is_demo,
    });
    map.set(r.country.trim(), list);
  }
  for (const list of map.values())
    list.sort((a, b) => PROFILE_FIELDS.indexOf(a.field) - PROFILE_FIELDS.indexOf(b.field));
  return map;
}

/** A country's profile: its dated fields, memberships, initiatives received and delivered, needs. */
export async function getProfile(ctx: ServiceContext, iso2: string): Promise<CountryProfile> {
  if (!/^[A-Za-z]{2}$/.test(iso2)) throw AppError.notFound('The country');
  const country = await referenceCountry(ctx, iso2);
  const [rows, memberships, initiatives, needs] = await Promise.all([
    repo.fieldsOf(ctx.readDb, [country.iso2]),
    membershipsOf(ctx, country.iso2),
    initiativesOfCountry(ctx, country.iso2),
    needsOfCountry(ctx, country.iso2),
  ]);
  return {
    country,
    entries: entriesFrom(rows).get(country.iso2) ?? [],
    memberships,
    received: initiatives.received,
    delivered: initiatives.delivered,
    needs,
  };
}

/** Two or three countries side by side. */
export async function compareProfiles(
  ctx: ServiceContext,
  codes: readonly string[],
): Promise<CountryProfile[]> {
  const unique = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
  if (unique.length < 2 || unique.length > 3) {
    throw AppError.validation([
      { path: '/c', message: 'Choose two or three different countries.' },
    ]);
  }
  const known = new Set((await countries(ctx)).map((c) => c.iso2));
  const unknown = unique.filter((c) => !known.has(c));
  if (unknown.length)
    throw AppError.validation([
      { path: '/c', message: `Unknown country code: ${unknown.join(', ')}.` },
    ]);
  return Promise.all(unique.map((c) => getProfile(ctx, c)));
}

/** Countries with how many profile fields they have and when they were last updated. */
export async function listProfiles(ctx: ServiceContext) {
  const [list, counts] = await Promise.all([countries(ctx), repo.profileCounts(ctx.readDb)]);
  const byCountry = new Map(
    counts.map((c) => [
      c.country.trim(),
      { fields: Number(c.n), latest: c.latest as string | null },
    ]),
  );
  return list
    .filter((c) => c.unMember || byCountry.has(c.iso2))
    .map((c) => ({
      country: c,
      fields: byCountry.get(c.iso2)?.fields ?? 0,
      latest: byCountry.get(c.iso2)?.latest ?? null,
    }));
}

/** Editors, or a focal point of one of the country's government organisations, may edit. */
async function mayEdit(ctx: ServiceContext, iso2: string): Promise<boolean> {
  if (isAllowed(ctx, 'country.edit')) return true;
  const governments = await listOrganisations(ctx, {
    country: iso2,
    stakeholderGroup: 'government',
    pageSize: 100,
  });
  return governments.items.some((o) =>
    isAllowed(ctx, 'country.edit', { type: 'organisation', id: o.id }),
  );
}

export async function canEditProfile(ctx: ServiceContext, iso2: string): Promise<boolean> {
  return !!ctx.actor.userId && (await mayEdit(ctx, iso2.toUpperCase()));
}

/**
 * Updates profile fields; each keeps its own date (today unless given). An empty value removes
 * the field. One audit row records the fields that changed.
 */
export async function updateProfile(
  ctx: ServiceContext,
  iso2: string,
  input: Partial<Record<ProfileField, { value?: string; sourceUrl?: string; asOf?: string }>>,
): Promise<CountryProfile> {
  if (!ctx.actor.userId && ctx.actor.via !== 'system') authorize(ctx, 'country.edit');
  const country = await referenceCountry(ctx, iso2);
  if (!(await mayEdit(ctx, country.iso2))) throw AppError.forbidden();
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const errors: FieldError[] = [];
  const clean: Array<{
    field: ProfileField;
    value: string;
    sourceUrl: string | null;
    asOf: string;
  }> = [];
  for (const [field, raw] of Object.entries(input)) {
    if (!isProfileField(field)) {
      errors.push({ path: `/${field}`, message: `Unknown field "${field}".` });
      continue;
    }
    const { value, errors: e } = normaliseEntry(raw ?? {}, today, field);
    errors.push(...e);
    if (value) clean.push({ field, ...value });
  }
  if (errors.length) throw AppError.validation(errors);
  await ctx.db.transaction().execute(async (trx) => {
    const before = entriesFrom(await repo.fieldsOf(trx, [country.iso2])).get(country.iso2) ?? [];
    const changed: Record<string, unknown> = {};
    const previous: Record<string, unknown> = {};
    for (const entry of clean) {
      const old = before.find((b) => b.field === entry.field);
      if (!entry.value) {
        if (old) {
          await repo.deleteField(trx, country.iso2, entry.field);
          previous[entry.field] = old;
          changed[entry.field] = null;
        }
        continue;
      }
      if (
        old &&
        old.value === entry.value &&
        old.sourceUrl === entry.sourceUrl &&
        old.asOf === entry.asOf
      )
        continue;
      await repo.upsertField(trx, {
        country: country.iso2,
        field: entry.field,
        value: entry.value,
        source_url: entry.sourceUrl,
        as_of: entry.asOf,
        updated_by: ctx.actor.userId,
        is_demo: false,
        updated_at: ctx.clock.now(),
      });
      previous[entry.field] = old ?? null;
      changed[entry.field] = entry;
    }
    if (Object.keys(changed).length) {
      await recordAudit(trx, ctx, {
        action: 'country-profile.update',
        entityType: 'country',
        entityId: country.iso2,
        before: previous,
        after: changed,
        isPublic: true,
      });
    }
  });
  return getProfile(ctx, country.iso2);
}

/** Demo profiles for a handful of countries: public facts only, marked as demo. */
export async function seedDemoProfiles(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/profiles.json', import.meta.url);
  if (!existsSync(file)) return;
  const data = JSON.parse(readFileSync(file, 'utf8')) as {
    asOf: string;
    profiles: Record<string, Record<string, { value: string; sourceUrl?: string }>>;
  };
  await ctx.db.transaction().execute(async (trx) => {
    for (const [iso2, fields] of Object.entries(data.profiles)) {
      for (const [field, entry] of Object.entries(fields)) {
        if (!isProfileField(field)) throw new Error(`demo profile ${iso2}: unknown field ${field}`);
        await repo.upsertField(trx, {
          country: iso2,
          field,
          value: entry.value,
          source_url: entry.sourceUrl ?? null,
          as_of: data.asOf,
          updated_by: null,
          is_demo: true,
          updated_at: ctx.clock.now(),
        });
      }
      await recordAudit(trx, ctx, {
        action: 'country-profile.update',
        entityType: 'country',
        entityId: iso2,
        after: { demo: true, fields: Object.keys(fields) },
        isPublic: true,
      });
    }
  });
}

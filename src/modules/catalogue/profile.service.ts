/**
 * "Fits me" profiles: kept in a cookie for visitors, in the account for signed-in people (so it
 * follows them across devices). Only the person's own preferences; never shown to anyone else.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import * as repo from './resources.repository.ts';
import { BUDGETS, decodeProfile, encodeProfile, type Budget, type FitProfile } from './fit.ts';
import { lookups } from './resources.service.ts';

/** The reader's profile: the account's when signed in and saved, else the cookie's. */
export async function fitProfileFor(
  ctx: ServiceContext,
  cookie: string | undefined,
): Promise<FitProfile | null> {
  if (ctx.actor.userId) {
    const row = await repo.getProfile(ctx.readDb, ctx.actor.userId);
    if (row) {
      return {
        languages: row.languages,
        budget: row.budget,
        hoursPerWeek: row.hours_per_week === null ? null : Number(row.hours_per_week),
        active: row.active,
      };
    }
  }
  return decodeProfile(cookie);
}

/** Checks a profile from a form or JSON. */
export async function checkProfile(
  ctx: ServiceContext,
  raw: { languages?: unknown; budget?: unknown; hoursPerWeek?: unknown },
): Promise<FitProfile> {
  const errors: FieldError[] = [];
  const known = (await lookups(ctx)).validation.languages;
  const list = Array.isArray(raw.languages)
    ? raw.languages
    : raw.languages === undefined || raw.languages === ''
      ? []
      : [raw.languages];
  const languages = [...new Set(list.map((l) => String(l).trim().toLowerCase()))].filter(Boolean);
  if (languages.some((l) => !known.has(l)))
    errors.push({ path: '/languages', message: 'Choose languages from the list.' });
  if (languages.length > 10) errors.push({ path: '/languages', message: 'Choose at most 10.' });
  const budget = (raw.budget ?? 'any') as Budget;
  if (!BUDGETS.includes(budget))
    errors.push({ path: '/budget', message: 'Choose one of the offered values.' });
  let hoursPerWeek: number | null = null;
  if (raw.hoursPerWeek !== undefined && raw.hoursPerWeek !== null && raw.hoursPerWeek !== '') {
    const n = Number(raw.hoursPerWeek);
    if (!Number.isFinite(n) || n <= 0 || n > 80)
      errors.push({ path: '/hoursPerWeek', message: 'Give a number of hours from 0.5 to 80.' });
    else hoursPerWeek = Math.round(n * 2) / 2;
  }
  if (errors.length) throw AppError.validation(errors);
  return { languages, budget, hoursPerWeek, active: true };
}

/** Saves a profile; returns the cookie value to keep it (for visitors, and after signing out). */
export async function saveFitProfile(ctx: ServiceContext, profile: FitProfile): Promise<string> {
  if (ctx.actor.userId) {
    const userId = ctx.actor.userId;
    await ctx.db.transaction().execute(async (trx) => {
      await repo.saveProfile(trx, {
        user_id: userId,
        languages: profile.languages,
        budget: profile.budget,
        hours_per_week: profile.hoursPerWeek,
        active: profile.active,
        updated_at: ctx.clock.now(),
      });
      await recordAudit(trx, ctx, {
        action: 'catalogue.profile.save',
        entityType: 'user',
        entityId: userId,
      });
    });
  }
  return encodeProfile(profile);
}

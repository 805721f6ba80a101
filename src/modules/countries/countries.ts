import type { FieldError } from '../../platform/errors.ts';

/** The profile fields (DESIGN.md section 5, after UNIDIR's Cyber Policy Portal), in display order. */
export const PROFILE_FIELDS = [
  'strategy',
  'implementation',
  'agency',
  'cert',
  'laws',
  'international-law',
  'agreements',
  'un-processes',
  'cooperation',
  'activities',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export interface ProfileEntry {
  field: ProfileField;
  value: string;
  sourceUrl: string | null;
  /** "YYYY-MM-DD": when this entry was last checked or updated. */
  asOf: string;
  isDemo: boolean;
}

export function isProfileField(value: string): value is ProfileField {
  return (PROFILE_FIELDS as readonly string[]).includes(value);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks one entry as an editor types it: text, an optional source and its date. */
export function normaliseEntry(
  raw: { value?: unknown; sourceUrl?: unknown; asOf?: unknown },
  today: string,
  field: string,
): {
  value: { value: string; sourceUrl: string | null; asOf: string } | null;
  errors: FieldError[];
} {
  const errors: FieldError[] = [];
  const value = String(raw.value ?? '').trim();
  if (value.length > 4000)
    errors.push({ path: `/${field}`, message: 'Use at most 4,000 characters.' });
  const sourceUrl = String(raw.sourceUrl ?? '').trim() || null;
  if (sourceUrl) {
    let ok: boolean;
    try {
      ok = ['http:', 'https:'].includes(new URL(sourceUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      errors.push({
        path: `/${field}-source`,
        message: 'Give a web address starting with https://.',
      });
  }
  const asOf = String(raw.asOf ?? '').trim() || today;
  if (!DATE.test(asOf) || Number.isNaN(Date.parse(asOf)))
    errors.push({ path: `/${field}-asOf`, message: 'Write the date as YYYY-MM-DD.' });
  else if (asOf > today)
    errors.push({ path: `/${field}-asOf`, message: 'The date cannot be in the future.' });
  if (errors.length) return { value: null, errors };
  return { value: { value, sourceUrl, asOf }, errors };
}

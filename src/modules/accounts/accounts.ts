import { createHash, randomBytes } from 'node:crypto';
import type { FieldError } from '../../platform/errors.ts';

/** Pure rules of the accounts domain: no database, no HTTP. */

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
export const NAME_MAX = 120;
export const EMAIL_MAX = 254;

/** How long each single-use link or challenge stays valid. */
export const TOKEN_LIFETIME_MS = {
  'verify-email': 48 * 60 * 60 * 1000,
  'reset-password': 60 * 60 * 1000,
  'change-email': 24 * 60 * 60 * 1000,
  'mfa-challenge': 5 * 60 * 1000,
} as const;

const EMAIL =
  /^[^\s@<>"\\,;:()[\]]{1,64}@(?:[^\s@<>"\\,;:()[\]._]{1,63}\.)+[^\s@<>"\\,;:()[\]._\d]{2,63}$/u;
/** Control characters, and bidirectional overrides that can disguise a name. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/u;

export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC');
}

export function emailErrors(email: string, path = '/email'): FieldError[] {
  if (!email) return [{ path, message: 'Enter your email address.' }];
  if (email.length > EMAIL_MAX || !EMAIL.test(email) || UNSAFE_TEXT.test(email)) {
    return [{ path, message: 'Enter a valid email address, like name@example.org.' }];
  }
  return [];
}

/** A display name: plain text of 1 to 120 characters, no markup, no control characters. */
export function normaliseName(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

export function nameErrors(name: string, path = '/displayName'): FieldError[] {
  if (!name) return [{ path, message: 'Enter your name.' }];
  if ([...name].length > NAME_MAX)
    return [{ path, message: `Use at most ${NAME_MAX} characters.` }];
  if (UNSAFE_TEXT.test(name) || /[<>]/u.test(name)) {
    return [{ path, message: 'Use letters, numbers and punctuation only (no < or >).' }];
  }
  return [];
}

/** OWASP ASVS: at least 12 characters, up to 256, anything allowed (spaces and emoji too). */
export function passwordErrors(password: string, path = '/password'): FieldError[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [{ path, message: `Use at least ${PASSWORD_MIN} characters.` }];
  if (length > PASSWORD_MAX) return [{ path, message: `Use at most ${PASSWORD_MAX} characters.` }];
  return [];
}

/** A random, URL-safe secret (256 bits). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Where to go after signing in: only a path on this site ("/x"), never "//evil" or "/\\evil",
 * which browsers read as another host.
 */
export function safeNext(next: unknown): string | null {
  if (typeof next !== 'string' || next.length > 500) return null;
  if (!/^\/(?![/\\])[^\s\\]*$/u.test(next)) return null;
  return next;
}

/** Personal API tokens look like `cc_pat_…`, so that secret scanners recognise them. */
export const API_TOKEN_PREFIX = 'cc_pat_';

export function isApiTokenShape(token: string): boolean {
  return /^cc_pat_[\w-]{43}$/.test(token);
}

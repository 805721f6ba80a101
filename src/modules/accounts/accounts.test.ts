import { describe, expect, it } from 'vitest';
import { emailErrors, nameErrors, normaliseName, passwordErrors, safeNext } from './accounts.ts';
import {
  checkTotp,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  openSecret,
  sealSecret,
  totpCode,
  totpStep,
} from './mfa.ts';

describe('account rules', () => {
  it('accepts ordinary and international addresses, refuses malformed ones', () => {
    for (const ok of [
      'a@b.org',
      'amina.diallo@gov.sn',
      'josé@correo.es',
      'x+tag@sub.example.co.uk',
    ]) {
      expect(emailErrors(ok), ok).toEqual([]);
    }
    for (const bad of [
      '',
      'a',
      'a@b',
      '@b.org',
      'a b@c.org',
      'a@b.c',
      '<a@b.org>',
      `${'a'.repeat(250)}@b.org`,
      'a@b.org\u202e',
    ]) {
      expect(emailErrors(bad), bad).not.toEqual([]);
    }
  });

  it('takes names as plain text: no markup, control or direction-override characters', () => {
    expect(nameErrors('Amina Diallo')).toEqual([]);
    expect(nameErrors('محمد بن سلمان')).toEqual([]);
    expect(nameErrors('李雷')).toEqual([]);
    expect(nameErrors('<script>alert(1)</script>')).not.toEqual([]);
    expect(nameErrors('abc\u202edef')).not.toEqual([]);
    expect(nameErrors('a\u0000b')).not.toEqual([]);
    expect(nameErrors('x'.repeat(121))).not.toEqual([]);
    expect(nameErrors('😀'.repeat(120))).toEqual([]);
    expect(normaliseName('  Amina\t  Diallo ')).toBe('Amina Diallo');
  });

  it('asks for 12 to 256 characters in a password, counting characters not bytes', () => {
    expect(passwordErrors('x'.repeat(11))).not.toEqual([]);
    expect(passwordErrors('x'.repeat(12))).toEqual([]);
    expect(passwordErrors('🔑'.repeat(12))).toEqual([]);
    expect(passwordErrors('x'.repeat(257))).not.toEqual([]);
  });

  it('only redirects to paths on this site after sign-in', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('/admin/users?q=a')).toBe('/admin/users?q=a');
    for (const bad of [
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
      '/ x',
      undefined,
      42,
    ]) {
      expect(safeNext(bad)).toBeNull();
    }
  });
});

describe('two-step verification', () => {
  const secret = newTotpSecret();
  const now = Date.UTC(2026, 10, 23, 9, 0, 0);

  it('accepts the current code and one step either side, nothing further', () => {
    expect(checkTotp(secret, totpCode(secret, now), now, null)).toBe(totpStep(now));
    expect(checkTotp(secret, totpCode(secret, now - 30_000), now, null)).toBe(totpStep(now) - 1);
    expect(checkTotp(secret, totpCode(secret, now + 30_000), now, null)).toBe(totpStep(now) + 1);
    expect(checkTotp(secret, totpCode(secret, now - 90_000), now, null)).toBeNull();
    expect(checkTotp(secret, 'abcdef', now, null)).toBeNull();
    expect(checkTotp(secret, '', now, null)).toBeNull();
  });

  it('refuses a code at or before the last step used (replay)', () => {
    const step = totpStep(now);
    expect(checkTotp(secret, totpCode(secret, now), now, step)).toBeNull();
    expect(checkTotp(secret, totpCode(secret, now), now, step - 1)).toBe(step);
  });

  it('seals secrets so that only the same SESSION_SECRET opens them', () => {
    const sealed = sealSecret(secret, 'k'.repeat(40));
    expect(sealed).not.toContain(secret);
    expect(openSecret(sealed, 'k'.repeat(40))).toBe(secret);
    expect(openSecret(sealed, 'j'.repeat(40))).toBeNull();
    expect(openSecret('garbage', 'k'.repeat(40))).toBeNull();
  });

  it('makes ten distinct recovery codes, matched whatever their case or dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(hashRecoveryCode(codes[0]!.toUpperCase().replace(/-/g, ' '))).toBe(
      hashRecoveryCode(codes[0]!),
    );
  });
});

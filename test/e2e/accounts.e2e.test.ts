import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  launchBrowser,
  screenshot,
  serveTestEnv,
  watchPage,
  type ServedEnv,
} from '../helpers/browser.ts';
import { lastMailTo, linkIn } from '../helpers/auth.ts';

describe('accounts in Chromium: sign up, verify, sign in, sign out', () => {
  let env: ServedEnv;
  let browser: Browser;
  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  async function checkPage(page: Page, name: string) {
    expect(await page.locator('h1').count()).toBe(1);
    expect(await axeViolations(page), name).toEqual([]);
    await screenshot(page, `accounts-${name}`);
  }

  it('works end to end with plain forms, with no axe violations on any page', async () => {
    // The pages carry no script of their own; axe needs JavaScript to run its checks.
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watchPage(page);
    const email = 'fatou.ndiaye@example.org';
    const password = 'baobab river lantern seven';

    await page.goto(`${env.baseUrl}/sign-up`);
    await checkPage(page, 'sign-up');
    // A bad form first: errors beside the fields, and still accessible.
    await page.fill('#field-displayName', 'Fatou Ndiaye');
    await page.fill('#field-email', 'not-an-address');
    await page.fill('#field-password', 'short');
    await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(await page.locator('#error-email').textContent()).toContain('valid email address');
    expect(await page.inputValue('#field-displayName')).toBe('Fatou Ndiaye');
    await checkPage(page, 'sign-up-errors');

    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await Promise.all([page.waitForURL(/\/sign-up\/sent$/), page.click('button[type=submit]')]);
    await checkPage(page, 'sign-up-sent');

    // The verification link, read from the outbox as the admin page shows it.
    const mail = await lastMailTo(env, email);
    const link = linkIn(mail!.text_body, '/verify-email')!;
    await page.goto(`${env.baseUrl}${link}`);
    await checkPage(page, 'verify');
    await Promise.all([
      page.waitForURL(/\/sign-in\?done=verified$/),
      page.click('button[type=submit]'),
    ]);
    expect(await page.locator('.notice.ok').textContent()).toContain('confirmed');
    await checkPage(page, 'sign-in');

    await page.fill('#field-email', email);
    await page.fill('#field-password', password);
    await Promise.all([page.waitForURL(/\/account$/), page.click('main button[type=submit]')]);
    expect(await page.locator('.account a').textContent()).toBe('Fatou Ndiaye');
    await checkPage(page, 'account');
    await page.goto(`${env.baseUrl}/account/mfa`);
    expect(await page.locator('.qr svg').count()).toBe(1);
    await checkPage(page, 'mfa');
    await page.goto(`${env.baseUrl}/account/tokens`);
    await checkPage(page, 'tokens');

    // The layout's sign-out button.
    await Promise.all([
      page.waitForURL(/\/sign-in\?done=signedOut$/),
      page.click('.account button'),
    ]);
    expect(await page.locator('.account a').textContent()).toBe('Sign in');
    await page.goto(`${env.baseUrl}/account`);
    expect(page.url()).toMatch(/\/sign-in\?next=%2Faccount$/);
    // The deliberate bad form answers 422, which the console reports; nothing else may appear.
    expect(watched.errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();
  });
});

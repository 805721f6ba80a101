/**
 * Key journeys with JavaScript disabled, by plain form posts. Catalogue search with filters, a
 * proposal and a question in a live session are covered beside their modules (catalogue, events
 * and live e2e files, each with a javaScriptEnabled: false case); signing in and out is here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, serveTestEnv, type ServedEnv } from '../helpers/browser.ts';
import { createTestUser, type TestUser } from '../helpers/auth.ts';

describe('without JavaScript', () => {
  let env: ServedEnv;
  let browser: Browser;
  let user: TestUser;
  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    user = await createTestUser(env, [], 'Nadia Noscript');
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    it(`signs in, back to the page asked for, and out (${locale})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      // A page that needs an account sends the reader to sign in, and back afterwards.
      await page.goto(`${env.baseUrl}/${locale}/account`);
      expect(new URL(page.url()).pathname).toBe(`/${locale}/sign-in`);
      expect(await page.evaluate(() => document.scripts.length)).toBe(0);

      // A wrong password: the form comes back with the address kept and the error shown.
      await page.fill('#field-email', user.email);
      await page.fill('#field-password', 'not the password');
      await Promise.all([page.waitForEvent('load'), page.click('main button[type=submit]')]);
      expect(await page.locator('.error-summary').count()).toBe(1);
      expect(await page.inputValue('#field-email')).toBe(user.email);
      expect(await page.inputValue('#field-password')).toBe('');
      expect(await page.locator('.account a').count()).toBe(1);
      await screenshot(page, `nojs-sign-in-error-${locale}`);

      await page.fill('#field-password', user.password);
      await Promise.all([page.waitForEvent('load'), page.click('main button[type=submit]')]);
      expect(new URL(page.url()).pathname).toBe(`/${locale}/account`);
      expect(await page.locator('.account a').textContent()).toBe('Nadia Noscript');

      await Promise.all([page.waitForEvent('load'), page.click('.account button')]);
      expect(new URL(page.url()).pathname).toBe(`/${locale}/sign-in`);
      await page.goto(`${env.baseUrl}/${locale}/account`);
      expect(new URL(page.url()).pathname).toBe(`/${locale}/sign-in`);
      await context.close();
    });
  }
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  axeViolations,
  launchBrowser,
  screenshot,
  serveTestEnv,
  watchPage,
  type ServedEnv,
} from '../helpers/browser.ts';

describe('home page in Chromium', () => {
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

  for (const locale of ['en', 'ar']) {
    it(`renders in ${locale} with no console errors, no CSP violations and no axe violations`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const watched = watchPage(page);
      const response = await page.goto(`${env.baseUrl}/${locale}/`);
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      expect(await page.getAttribute('html', 'dir')).toBe(locale === 'ar' ? 'rtl' : 'ltr');
      expect(await page.locator('h1').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `home-${locale}`);
      expect(watched.errors).toEqual([]);
      await context.close();
    });
  }

  it('works without JavaScript: the search form on the home page leads to the catalogue', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/`);
    await page.fill('#home-q', 'cybercrime');
    await Promise.all([
      page.waitForURL(/\/catalogue\?q=cybercrime/),
      page.press('#home-q', 'Enter'),
    ]);
    await context.close();
  });

  it('reports a CSP violation when inline script is injected (the watcher can fail)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${env.baseUrl}/`);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__ran = true';
      document.body.appendChild(s);
    });
    await page.waitForTimeout(100);
    expect(
      await page.evaluate(() => (window as unknown as { __ran?: boolean }).__ran),
    ).toBeUndefined();
    expect(watched.errors.join('\n')).toMatch(/Content Security Policy/);
    await context.close();
  });
});

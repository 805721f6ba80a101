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
import { seedDemo } from '../../src/runtime.ts';

/** The practitioner's search: free, self-paced, in French, under 10 hours, international law. */
async function searchWithTheForm(page: Page): Promise<void> {
  await page.fill('#catalogue-q', 'international law');
  await page.check('input[name="cost"][value="free"]');
  await page.check('input[name="format"][value="online-self-paced"]');
  await page.check('input[name="language"][value="fr"]');
  await page.check('input[name="maxHours"][value="10"]');
  await Promise.all([
    page.waitForURL(/\/catalogue\?q=international\+law/),
    page.click('aside.facets button[type="submit"] >> nth=0'),
  ]);
}

describe('catalogue in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    await seedDemo(env.deps);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`finds free self-paced French training on international law ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      const context = await browser.newContext({ javaScriptEnabled });
      const page = await context.newPage();
      const watched = watchPage(page);
      const first = await page.goto(`${env.baseUrl}/catalogue`);
      expect(first?.status()).toBe(200);
      await searchWithTheForm(page);
      const url = new URL(page.url());
      expect(url.searchParams.getAll('cost')).toEqual(['free']);
      expect(url.searchParams.get('maxHours')).toBe('10');
      await expect(page.locator('#results-heading').textContent()).resolves.toMatch(
        /\d+ resources? found/,
      );
      const titles = await page.locator('ol.results h3 a').allTextContents();
      expect(titles).toContain('Cyber operations and IHL: self-paced module');
      expect(await page.locator('ol.results mark').count()).toBeGreaterThan(0);
      // The filters chosen stay chosen.
      expect(await page.isChecked('input[name="language"][value="fr"]')).toBe(true);
      // axe runs as script in the page: checked with JavaScript on (the markup is the same).
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `catalogue-search-${javaScriptEnabled ? 'js' : 'nojs'}`);

      await Promise.all([
        page.waitForURL(/\/resources\/icrc-cyberoperations-dih-module-autoformation$/),
        page.click('text=Cyber operations and IHL: self-paced module'),
      ]);
      expect(await page.locator('h1').textContent()).toBe(
        'Cyber operations and IHL: self-paced module',
      );
      expect(await page.locator('script[type="application/ld+json"]').count()).toBe(1);
      if (javaScriptEnabled) expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `catalogue-resource-${javaScriptEnabled ? 'js' : 'nojs'}`);
      expect(watched.errors).toEqual([]);
      await context.close();
    });
  }

  it('sends the search page in at most 30 KB compressed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(
      `${env.baseUrl}/catalogue?q=international+law&cost=free&format=online-self-paced&language=fr&maxHours=10`,
    );
    const plain = await page.goto(`${env.baseUrl}/catalogue`);
    for (const r of [response, plain]) {
      expect(r?.headers()['content-encoding']).toMatch(/gzip|br|deflate/);
      const sizes = await r!.request().sizes();
      expect(sizes.responseBodySize).toBeGreaterThan(1000);
      expect(sizes.responseBodySize).toBeLessThanOrEqual(30 * 1024);
    }
    await context.close();
  });
});

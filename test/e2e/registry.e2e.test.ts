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
import { seedDemo } from '../../src/runtime.ts';

describe('registry pages in Chromium', () => {
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

  it('lists initiatives and filters them without JavaScript, with no axe violations', async () => {
    const withJs = await browser.newContext();
    const checked = await withJs.newPage();
    const response = await checked.goto(`${env.baseUrl}/initiatives`);
    expect(response?.status()).toBe(200);
    expect(await checked.locator('h1').textContent()).toBe('Capacity-building initiatives');
    expect(await axeViolations(checked)).toEqual([]);
    await withJs.close();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/initiatives`);
    await page.selectOption('#f-country', 'GH');
    await page.selectOption('#f-theme', 'cybercrime');
    await Promise.all([
      page.waitForURL(/country=GH/),
      page.click('form.facets button[type=submit]'),
    ]);
    const results = page.locator('ul.results > li');
    expect(await results.count()).toBeGreaterThan(0);
    expect(await page.locator('#results-heading').textContent()).toMatch(/initiative/);
    await screenshot(page, 'registry-initiatives');
    await context.close();
  });

  it('shows the coverage map as SVG with a table alternative, readable and accessible', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watchPage(page);
    const response = await page.goto(`${env.baseUrl}/coverage`);
    expect(response?.status()).toBe(200);
    const map = page.locator('svg.world-map');
    expect(await map.getAttribute('role')).toBe('img');
    expect(await map.locator('path').count()).toBeGreaterThan(150);
    expect(await page.locator('#map-title').textContent()).toMatch(
      /Ongoing initiatives per country/,
    );
    // Kenya is shaded and named in its tooltip; the heat table carries the same figure.
    const kenyaTitle = await map.locator('path > title', { hasText: /^Kenya:/ }).textContent();
    const figure = Number(/(\d+) ongoing/.exec(kenyaTitle ?? '')?.[1]);
    expect(figure).toBeGreaterThan(0);
    const row = page.locator('table.heat tbody tr', {
      has: page.locator('th', { hasText: /^Kenya$/ }),
    });
    expect(Number(await row.locator('td').last().textContent())).toBe(figure);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'registry-coverage');
    expect(watched.errors).toEqual([]);
    await context.close();
  });
});

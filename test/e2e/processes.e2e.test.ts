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
import { ManualClock } from '../../src/platform/clock.ts';
import { organisationsModule } from '../../src/modules/organisations/index.ts';
import { processesModule } from '../../src/modules/processes/index.ts';
import { organisationsBySlug } from '../../src/modules/organisations/index.ts';
import { startSession, SESSION_COOKIE } from '../../src/modules/accounts/index.ts';
import { createTestUser } from '../helpers/auth.ts';

describe('processes and the transparency register in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  beforeAll(async () => {
    env = await serveTestEnv('pglite', {
      clock: new ManualClock(new Date('2026-11-23T12:00:00Z')),
    });
    await organisationsModule.seedDemo!(env.ctx());
    await processesModule.seedDemo!(env.ctx());
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('shows the register with its chart and tables, with no axe violations', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const watched = watchPage(page);
    const response = await page.goto(`${env.baseUrl}/processes/oewg-2021-2025/register`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    const chart = page.locator('svg.chart[role="img"]');
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator('title').textContent()).toMatch(/by stakeholder group and outcome/);
    expect(await page.locator('table.stats-table').count()).toBe(3);
    expect(await page.locator('table.register tbody tr').count()).toBeGreaterThan(5);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'processes-register');
    for (const path of [
      '/processes',
      '/processes/oewg-2021-2025',
      '/consultations/demo-draft-capacity-building-principles/compilation',
      '/ar/processes/global-mechanism-ict-security/register',
    ]) {
      await page.goto(`${env.baseUrl}${path}`);
      expect(await axeViolations(page), path).toEqual([]);
    }
    expect(watched.errors).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: filtering the register and following the feed and export', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/processes/oewg-2021-2025/register`);
    await page.selectOption('#register-outcome', 'refused');
    await Promise.all([
      page.waitForURL(/outcome=refused/),
      page.click('form.filters button[type="submit"]'),
    ]);
    const outcomes = await page.locator('table.register tbody .outcome').allTextContents();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['Not accredited']));
    await screenshot(page, 'processes-register-refused');
    const csv = await page.request.get(
      `${env.baseUrl}${await page.getAttribute('a[href$="register.csv"]', 'href')}`,
    );
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    const atom = await page.request.get(
      `${env.baseUrl}${await page.getAttribute('a[href$="decisions.atom"]', 'href')}`,
    );
    expect(await atom.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    await context.close();
  });

  it('keeps the forms of applicants, contributors and the secretariat accessible', async () => {
    const org = (await organisationsBySlug(env.ctx(), ['access-now'])).get('access-now')!;
    const rep = await createTestUser(env, [
      { role: 'organisation-rep', scopeType: 'organisation', scopeId: org.id },
      { role: 'site-admin', scopeType: 'site' },
    ]);
    const token = await startSession(env.ctx(), rep.id, { mfaPassed: true });
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: env.baseUrl }]);
    const page = await context.newPage();
    const watched = watchPage(page);
    for (const path of [
      '/processes/global-mechanism-dtg-capacity-building/apply',
      '/consultations/demo-igf-capacity-building-inputs/submit',
      '/processes/global-mechanism-dtg-capacity-building/applications',
      '/processes/global-mechanism-dtg-capacity-building/delegations',
    ]) {
      const response = await page.goto(`${env.baseUrl}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator('form[method="post"]').count(), path).toBeGreaterThan(0);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await page.goto(`${env.baseUrl}/processes/global-mechanism-dtg-capacity-building/apply`);
    await screenshot(page, 'processes-apply');
    // Submitting the empty form re-renders it with errors tied to the fields, without JS help.
    await page.click('form[action$="/apply"] button[type="submit"]');
    await page.waitForSelector('.error-summary');
    expect(await page.locator('.field.has-error').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(watched.errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();
  });
});

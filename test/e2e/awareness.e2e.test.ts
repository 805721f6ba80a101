import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  axeViolations,
  launchBrowser,
  screenshot,
  serveTestEnv,
  watchPage,
  type ServedEnv,
} from '../helpers/browser.ts';
import { createTestUser, type TestUser } from '../helpers/auth.ts';
import { createWidgetsTable, widgetsModule } from '../fixtures/widgets-module.ts';
import { startSession, SESSION_COOKIE } from '../../src/modules/accounts/index.ts';
import { registerExtension, saveSearch } from '../../src/modules/awareness/index.ts';
import { unsubscribeToken } from '../../src/modules/awareness/awareness.ts';
import { enqueueJob, JobRunner } from '../../src/platform/jobs.ts';

describe('alerts, calendar and jobs pages in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let unregister: () => void;
  let reader: TestUser;
  let admin: TestUser;

  async function signedIn(user: TestUser, options: { javaScriptEnabled?: boolean } = {}) {
    const context = await browser.newContext(options);
    const token = await startSession(env.ctx(), user.id, { mfaPassed: true });
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: env.baseUrl }]);
    return context;
  }

  async function check(context: BrowserContext, path: string, name: string) {
    const page = await context.newPage();
    const watched = watchPage(page);
    const response = await page.goto(`${env.baseUrl}${path}`);
    expect(response?.status(), path).toBe(200);
    expect(await axeViolations(page), path).toEqual([]);
    await screenshot(page, name);
    expect(watched.errors, path).toEqual([]);
    return page;
  }

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    await createWidgetsTable(env.deps.db);
    unregister = registerExtension(widgetsModule);
    reader = await createTestUser(env, [], 'Amina Reader');
    admin = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }], 'Site Admin');
    await saveSearch(env.ctx(reader.actor), {
      kind: 'widgets',
      query: 'tag=norms',
      frequency: 'weekly',
    });
    await saveSearch(env.ctx(reader.actor), {
      kind: 'widgets',
      query: 'q=cbm',
      frequency: 'daily',
    });
  });
  afterAll(async () => {
    unregister?.();
    await browser?.close();
    await env?.close();
  });

  it('lists saved searches accessibly, in English and in Arabic', async () => {
    const context = await signedIn(reader);
    await check(context, '/account/alerts', 'alerts-en');
    const rtl = await check(context, '/ar/account/alerts', 'alerts-ar');
    expect(await rtl.getAttribute('html', 'dir')).toBe('rtl');
    await context.close();
  });

  it('changes an alert with a plain form post (no JavaScript)', async () => {
    const context = await signedIn(reader, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/account/alerts`);
    const select = page.getByLabel('Alerts for “Widgets: tag: norms”');
    await select.selectOption('off');
    await Promise.all([
      page.waitForURL(/done=updated/),
      page.locator('form', { has: select }).getByRole('button', { name: 'Change' }).click(),
    ]);
    expect(await page.getByRole('status').textContent()).toBe('Your alert is changed.');
    expect(await page.getByLabel('Alerts for “Widgets: tag: norms”').inputValue()).toBe('off');
    await context.close();
  });

  it('makes a private calendar address', async () => {
    const context = await signedIn(reader);
    const page = await check(context, '/account/calendar', 'calendar-empty');
    await Promise.all([
      page.waitForURL(/done=reset/),
      page.getByRole('button', { name: 'Make my private calendar address' }).click(),
    ]);
    const url = await page.getByLabel('Your private calendar address').inputValue();
    expect(url).toMatch(/\/calendar\/[\w-]{43}\.ics$/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'calendar-made');
    await context.close();
  });

  it('unsubscribes from the confirmation page of a digest link, without signing in', async () => {
    const context = await browser.newContext();
    const [search] = await env.deps.db
      .selectFrom('saved_searches')
      .select('id')
      .where('query', '=', 'q=cbm')
      .execute();
    const token = unsubscribeToken(env.deps.config.sessionSecret, search!.id);
    const page = await check(context, `/alerts/unsubscribe/${token}`, 'unsubscribe');
    await Promise.all([
      page.waitForURL(/done=1/),
      page.getByRole('button', { name: 'Stop these emails' }).click(),
    ]);
    expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('shows jobs and failures to administrators', async () => {
    const id = await enqueueJob(env.deps.db, env.clock.now(), 'test.e2e', null, { maxAttempts: 1 });
    await new JobRunner(env.deps, {
      handlers: {
        'test.e2e': async () => {
          throw new Error('SMTP server refused the connection');
        },
      },
      schedules: [],
    }).runDue();
    const context = await signedIn(admin);
    const page = await check(context, '/admin/jobs', 'jobs-admin');
    expect(await page.content()).toContain('SMTP server refused the connection');
    await check(context, `/admin/jobs/${id}`, 'job-detail');
    await context.close();
  });
});

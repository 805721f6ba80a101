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
import { createTestUser } from '../helpers/auth.ts';
import { SESSION_COOKIE, startSession } from '../../src/modules/accounts/index.ts';
import { createCall, createEvent } from '../../src/modules/events/index.ts';
import { seedDemoEvents } from '../../src/modules/events/demo.ts';

describe('events in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let callId: string;
  let cookie: { name: string; value: string; url: string };
  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    await seedDemoEvents(env.ctx());
    const organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }]);
    const event = await createEvent(env.ctx(organiser.actor), {
      name: 'Open Forum',
      place: 'Nairobi',
      startsOn: '2099-06-01',
      endsOn: '2099-06-02',
      timeZone: 'Africa/Nairobi',
      rooms: [{ name: 'Hall' }],
    });
    const call = await createCall(env.ctx(organiser.actor), event.id, {
      title: 'Open call',
      opensAt: '2020-01-01T00:00:00Z',
      closesAt: '2099-01-01T00:00:00Z',
    });
    callId = call.id;
    const proposer = await createTestUser(env, [], 'Pat Proposer');
    cookie = {
      name: SESSION_COOKIE,
      value: await startSession(env.ctx(), proposer.id, { mfaPassed: true }),
      url: env.baseUrl,
    };
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  it('updates the diversity checklist as the proposer types, with no axe violations', async () => {
    const context = await browser.newContext();
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${env.baseUrl}/calls/${callId}/proposals/new`);
    const groups = page.locator('.diversity li.check').filter({ hasText: 'Stakeholder groups' });
    await expect.poll(() => groups.textContent()).toContain('0 of at least 3');
    await page.fill('[name="speaker-0.name"]', 'Ana Speaker');
    await page.selectOption('[name="speaker-0.stakeholderGroup"]', 'government');
    await page.selectOption('[name="speaker-0.country"]', 'FJ');
    await expect.poll(() => groups.textContent()).toContain('1 of at least 3');
    await page.fill('[name="speaker-1.name"]', 'Ben Speaker');
    await page.selectOption('[name="speaker-1.stakeholderGroup"]', 'academia');
    await page.fill('[name="speaker-2.name"]', 'Chi Speaker');
    await page.selectOption('[name="speaker-2.stakeholderGroup"]', 'civil-society');
    await expect.poll(() => groups.textContent()).toContain('met');
    const developing = page.locator('.diversity li.check').filter({ hasText: 'Developing' });
    expect(await developing.textContent()).toContain('met');
    expect(
      await page.locator('.diversity li.check').filter({ hasText: 'gender' }).textContent(),
    ).toContain('not shown yet');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'events-editor');
    expect(watched.errors).toEqual([]);
    await context.close();
  });

  it('saves a draft and submits without JavaScript, with errors beside the fields', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/calls/${callId}/proposals/new`);
    await page.fill('#field-title', 'Inclusive capacity building');
    await page.fill('[name="proposer.name"]', 'Pat Proposer');
    await Promise.all([
      page.waitForURL(/\/proposals\/[\w-]+$/).catch(() => null),
      page.click('button[value="submit"]'),
    ]);
    expect(await page.locator('.error-summary').textContent()).toContain('Choose a session format');
    expect(await page.inputValue('#field-title')).toBe('Inclusive capacity building');
    await page.selectOption('#field-format', 'panel');
    await page.fill('#field-content', 'What we will discuss.');
    await page.fill('#field-relevance', 'Why it matters.');
    await Promise.all([
      page.waitForURL(/\/proposals\/[\w-]+$/),
      page.click('button[value="submit"]'),
    ]);
    expect(await page.locator('.lead').first().textContent()).toContain('Submitted');
    await context.close();
  });

  it('shows the programme by day with a calendar link and no axe violations', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/events/demo-forum-2024/programme`);
    expect(await page.locator('h2').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.demo-notice').count()).toBe(1);
    expect(await page.getAttribute('a[href$="programme.ics"]', 'href')).toBe(
      '/events/demo-forum-2024/programme.ics',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'events-programme');
    await page.goto(`${env.baseUrl}/events/demo-forum-2024/summary`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

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
  let organiserCookie: { name: string; value: string; url: string };
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
    organiserCookie = {
      name: SESSION_COOKIE,
      value: await startSession(env.ctx(), organiser.id, { mfaPassed: true }),
      url: env.baseUrl,
    };
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

  it('gives organisers plain forms with no axe violations, and shows a schedule conflict beside its form', async () => {
    // Axe needs scripts; the pages themselves have none.
    const context = await browser.newContext();
    await context.addCookies([organiserCookie]);
    const page = await context.newPage();
    const base = `${env.baseUrl}/events/demo-forum-2024/manage`;
    await page.goto(base);
    const links = await page
      .locator('nav.subnav a')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links.length).toBeGreaterThanOrEqual(8);
    for (const url of [...links, `${base}/calls/new`]) {
      await page.goto(url);
      expect(await axeViolations(page), url).toEqual([]);
      const name = new URL(url).pathname.split('/').filter((x) => !/^[\da-f-]{36}$/.test(x));
      await screenshot(page, `events-organiser-${name.slice(3).join('-') || 'dashboard'}`);
    }
    // An accepted proposal put where the opening ceremony already is: refused, reason shown.
    await page.goto(`${base}/schedule`);
    const item = page.locator('li.board-item').filter({ hasText: 'Opening ceremony' });
    const slot = await item.locator('select[name="slotId"]').inputValue();
    const room = await item.locator('select[name="roomId"]').inputValue();
    const other = page.locator('li.board-item').filter({ hasNotText: 'Opening ceremony' }).first();
    await other.locator('select[name="slotId"]').selectOption(slot);
    await other.locator('select[name="roomId"]').selectOption(room);
    await Promise.all([
      page.waitForLoadState('load'),
      other.locator('button[type="submit"]').first().click(),
    ]);
    expect(await page.locator('li.board-item p.error').textContent()).toMatch(/already/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'events-schedule-board-conflict');
    await context.close();
  }, 240_000);
});

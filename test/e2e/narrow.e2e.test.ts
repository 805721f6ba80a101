/**
 * Layouts at 360 px wide, the width of a small phone: each key page type in English and Arabic,
 * screenshotted under test-results/, and none may scroll sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, serveTestEnv, type ServedEnv } from '../helpers/browser.ts';
import { createTestUser } from '../helpers/auth.ts';
import { SESSION_COOKIE, startSession } from '../../src/modules/accounts/index.ts';
import { createCall, createEvent } from '../../src/modules/events/index.ts';
import { createLiveSession } from '../../src/modules/live/index.ts';
import { seedDemo } from '../../src/runtime.ts';

const WIDTH = 360;

/** Page types reached by a fixed path; detail pages are found by following the site's links. */
const FIXED: Array<[string, string]> = [
  ['home', '/'],
  ['catalogue-search', '/catalogue?q=international+law&cost=free'],
  ['resource', '/resources/icrc-cyberoperations-dih-module-autoformation'],
  ['initiatives', '/initiatives'],
  ['coverage', '/coverage'],
  ['organisations', '/organisations'],
  ['processes', '/processes'],
  ['events', '/events'],
  ['programme', '/events/demo-forum-2024/programme'],
  ['experts', '/experts'],
  ['discussions', '/discussions'],
  ['sign-in', '/sign-in'],
];
/** [name, list page, pattern of the detail links on it] */
const DISCOVERED: Array<[string, string, RegExp]> = [
  ['initiative', '/initiatives', /^\/initiatives\/(?!new$)[\w-]+$/],
  ['organisation', '/organisations', /^\/organisations\/(?!new$)[\w-]+$/],
  ['country', '/coverage', /^\/countries\/[a-z]{2}$/],
  ['process', '/processes', /^\/processes\/[\w-]+$/],
  ['expert', '/experts', /^\/experts\/[\w-]+$/],
  ['discussion', '/discussions', /^\/discussions\/[\da-f-]{36}$/],
];

/** Elements whose box reaches past either side of the viewport, widest first. */
function overflowing(page: Page) {
  return page.evaluate((width) => {
    const out: Array<{ element: string; left: number; right: number }> = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
      // Inside a scrolling box (a wide table in .table-scroll) is fine: the box itself is not.
      let scroller = el.parentElement;
      while (scroller && getComputedStyle(scroller).overflowX === 'visible')
        scroller = scroller.parentElement;
      if (scroller && scroller !== document.body && scroller !== document.documentElement) continue;
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
        el.classList.length ? `.${[...el.classList].join('.')}` : ''
      }`;
      out.push({ element: name, left: Math.round(box.left), right: Math.round(box.right) });
    }
    return out.slice(0, 8);
  }, WIDTH);
}

describe('layouts at 360 px wide', () => {
  let env: ServedEnv;
  let browser: Browser;
  const extra: Array<[string, string]> = [];
  let cookie: { name: string; value: string; url: string };

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    await seedDemo(env.deps);
    browser = await launchBrowser();
    const organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }]);
    const event = await createEvent(env.ctx(organiser.actor), {
      name: 'Narrow Forum',
      place: 'Apia',
      startsOn: '2099-06-01',
      endsOn: '2099-06-02',
      timeZone: 'Pacific/Apia',
      rooms: [{ name: 'Hall' }],
    });
    const call = await createCall(env.ctx(organiser.actor), event.id, {
      title: 'Open call',
      opensAt: '2020-01-01T00:00:00Z',
      closesAt: '2099-01-01T00:00:00Z',
    });
    const live = await createLiveSession(env.ctx(organiser.actor), {
      eventId: event.id,
      title: 'A session with a rather long title that has to wrap on a small phone screen',
      startsAt: '2099-06-01T09:00:00Z',
      endsAt: '2099-06-01T10:30:00Z',
      timeZone: 'Pacific/Apia',
      room: 'Hall',
      moderation: false,
      speakers: [{ name: 'Panellist Ama', stakeholderGroup: 'government' }],
    });
    extra.push(['proposal-form', `/calls/${call.id}/proposals/new`], ['live', `/live/${live.id}`]);
    cookie = {
      name: SESSION_COOKIE,
      value: await startSession(env.ctx(), organiser.id, { mfaPassed: true }),
      url: env.baseUrl,
    };
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  async function discover(context: BrowserContext): Promise<Array<[string, string]>> {
    const page = await context.newPage();
    const found: Array<[string, string]> = [];
    for (const [name, list, pattern] of DISCOVERED) {
      await page.goto(`${env.baseUrl}${list}`);
      const hrefs = await page
        .locator('main a[href]')
        .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      const href = hrefs.find((h) => pattern.test(h));
      expect(href, `a ${name} link on ${list}`).toBeTruthy();
      found.push([name, href!]);
    }
    await page.close();
    return found;
  }

  for (const locale of ['en', 'ar'] as const) {
    it(`holds every key page type at ${WIDTH} px in ${locale}`, async () => {
      const context = await browser.newContext({
        viewport: { width: WIDTH, height: 740 },
        deviceScaleFactor: 1,
        isMobile: true,
        hasTouch: true,
      });
      // Signed in: the widest header (name and sign-out button) and the proposal form.
      await context.addCookies([cookie]);
      const pages = [...FIXED, ...(await discover(context)), ...extra];
      const page = await context.newPage();
      const failures: Array<{ page: string; scrollWidth: number; culprits: unknown }> = [];
      for (const [name, path] of pages) {
        const response = await page.goto(`${env.baseUrl}/${locale}${path}`);
        expect(response?.status(), path).toBe(200);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        await screenshot(page, `narrow-${locale}-${name}`);
        if (scrollWidth > WIDTH)
          failures.push({ page: path, scrollWidth, culprits: await overflowing(page) });
      }
      expect(failures).toEqual([]);
      if (locale === 'ar') {
        // An English description on an Arabic page reads left to right: its final full stop is
        // drawn after (to the right of) the letter before it, not thrown to the line's far side.
        const initiative = pages.find(([name]) => name === 'initiative')![1];
        await page.goto(`${env.baseUrl}/ar${initiative}`);
        const [letter, stop] = await page
          .locator('main p[lang="en"]')
          .first()
          .evaluate((p) => {
            const text = p.firstChild as Text;
            const end = text.data.trimEnd().length;
            return [end - 2, end - 1].map((i) => {
              const range = document.createRange();
              range.setStart(text, i);
              range.setEnd(text, i + 1);
              return range.getBoundingClientRect().left;
            });
          });
        expect(stop).toBeGreaterThan(letter!);
      }
      await context.close();
    });
  }
});

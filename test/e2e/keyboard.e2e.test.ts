/**
 * Keyboard-only journeys: search the catalogue, submit a workshop proposal, take part in a live
 * session. Only page.keyboard moves and acts (no clicks, no fills); at every Tab stop the focused
 * element must show a focus ring that contrasts with what is behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  screenshot,
  serveTestEnv,
  watchPage,
  type ServedEnv,
} from '../helpers/browser.ts';
import { createTestUser } from '../helpers/auth.ts';
import { expectVisibleFocus, pressAndWait, tabTo } from '../helpers/keyboard.ts';
import { SESSION_COOKIE, startSession } from '../../src/modules/accounts/index.ts';
import { createCall, createEvent } from '../../src/modules/events/index.ts';
import { createLiveSession } from '../../src/modules/live/index.ts';
import { seedDemo } from '../../src/runtime.ts';

/** The accessible description Chromium computes for `selector` (what a screen reader reads). */
async function accessibleDescription(page: Page, selector: string): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', {
    nodeId,
    fetchRelatives: false,
  });
  await cdp.detach();
  return String(nodes[0]?.description?.value ?? '');
}

describe('keyboard-only journeys in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let callId: string;
  let proposerCookie: { name: string; value: string; url: string };
  let liveSessionId: string;

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    await seedDemo(env.deps);
    browser = await launchBrowser();
    const organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }]);
    const event = await createEvent(env.ctx(organiser.actor), {
      name: 'Keyboard Forum',
      place: 'Suva',
      startsOn: '2099-06-01',
      endsOn: '2099-06-02',
      timeZone: 'Pacific/Fiji',
      rooms: [{ name: 'Hall' }],
    });
    callId = (
      await createCall(env.ctx(organiser.actor), event.id, {
        title: 'Open call',
        opensAt: '2020-01-01T00:00:00Z',
        closesAt: '2099-01-01T00:00:00Z',
      })
    ).id;
    const proposer = await createTestUser(env, [], 'Kim Keyboard');
    proposerCookie = {
      name: SESSION_COOKIE,
      value: await startSession(env.ctx(), proposer.id, { mfaPassed: true }),
      url: env.baseUrl,
    };
    liveSessionId = (
      await createLiveSession(env.ctx(organiser.actor), {
        eventId: event.id,
        title: 'Keyboard panel',
        startsAt: '2099-06-01T09:00:00Z',
        endsAt: '2099-06-01T10:30:00Z',
        timeZone: 'Pacific/Fiji',
        room: 'Hall',
        moderation: false,
        speakers: [{ name: 'Panellist Ama', stakeholderGroup: 'government' }],
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  for (const locale of ['en', 'ar'] as const) {
    it(`searches the catalogue and opens a result by keyboard alone (${locale})`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const watched = watchPage(page);
      await page.goto(`${env.baseUrl}/${locale}/`);

      // The first Tab reaches the skip link; following it puts the next Tab inside <main>.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
      await expectVisibleFocus(page);
      const skipBox = await page.locator('.skip-link').boundingBox();
      expect(skipBox!.y).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Enter');
      expect(new URL(page.url()).hash).toBe('#main');
      expect(await tabTo(page, '#home-q', { max: 1 })).toBe(1);
      await page.keyboard.type('international law');
      await pressAndWait(page, 'Enter', /\/catalogue\?q=international\+law/);

      // Filters: checkboxes with Space, the duration radios with the arrow keys.
      await tabTo(page, 'input[name="cost"][value="free"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'input[name="format"][value="online-self-paced"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'input[name="maxHours"]');
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe(
        '',
      );
      for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
      expect(await page.isChecked('input[name="maxHours"][value="10"]')).toBe(true);
      await tabTo(page, 'input[name="language"][value="fr"]');
      await page.keyboard.press('Space');
      await tabTo(page, 'aside.facets button[type="submit"]');
      await pressAndWait(page, 'Enter', /maxHours=10/);

      const url = new URL(page.url());
      expect(url.searchParams.getAll('cost')).toEqual(['free']);
      expect(url.searchParams.getAll('format')).toEqual(['online-self-paced']);
      expect(url.searchParams.getAll('language')).toEqual(['fr']);
      await screenshot(page, `keyboard-catalogue-${locale}`);

      await tabTo(
        page,
        'ol.results a[href$="/resources/icrc-cyberoperations-dih-module-autoformation"]',
        {
          max: 200,
        },
      );
      await pressAndWait(
        page,
        'Enter',
        /\/resources\/icrc-cyberoperations-dih-module-autoformation$/,
      );
      expect(await page.locator('h1').count()).toBe(1);
      expect(watched.errors).toEqual([]);
      await context.close();
    });
  }

  it('submits a workshop proposal by keyboard, finding its way back to a field in error', async () => {
    const context = await browser.newContext();
    await context.addCookies([proposerCookie]);
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${env.baseUrl}/calls/${callId}/proposals/new`);

    await tabTo(page, '#field-title');
    await page.keyboard.type('Inclusive capacity building');
    // Submitting with no format: the page comes back with the error beside the field.
    await tabTo(page, 'button[value="submit"]', { max: 200 });
    await pressAndWait(page, 'Enter', /\/proposals\/new$/);
    expect(await page.locator('.error-summary').textContent()).toContain('Choose a session format');

    // From the top of the page: the error summary's link leads to the field.
    await page.keyboard.press('Tab');
    await tabTo(page, '.error-summary a[href="#field-format"]');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#field-format');
    await page.keyboard.press('Tab');
    if (!(await page.evaluate(() => document.activeElement?.id === 'field-format')))
      await tabTo(page, '#field-format', { backwards: true, max: 3 });
    await expectVisibleFocus(page);
    const field = page.locator('#field-format');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain('error-format');
    const message = (await page.locator('#error-format').textContent())!.trim();
    expect(message).toContain('Choose a session format');
    expect(await accessibleDescription(page, '#field-format')).toContain(message);
    await screenshot(page, 'keyboard-proposal-error');

    // Choose a format with the arrow keys, write the two required texts, submit.
    await page.keyboard.press('ArrowDown');
    expect(await field.inputValue()).not.toBe('');
    await tabTo(page, '#field-content');
    await page.keyboard.type('What we will discuss, and with whom.');
    await tabTo(page, '#field-relevance');
    await page.keyboard.type('Why it matters to small states.');
    await tabTo(page, '[name="proposer.name"]');
    await page.keyboard.type('Kim Keyboard');
    await tabTo(page, 'button[value="submit"]', { max: 200 });
    await pressAndWait(page, 'Enter', /\/proposals\/(?!new$)[\w-]+$/);
    expect(await page.locator('.lead').first().textContent()).toContain('Submitted');
    expect(watched.errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();
  });

  it('joins a live session, asks a question and votes, by keyboard', async () => {
    async function joinByKeyboard(page: Page, origin: 'room' | 'remote', name: string) {
      await page.goto(`${env.baseUrl}/live/${liveSessionId}`);
      // Tab enters an unchecked radio group on its first radio; the arrows move within it.
      await tabTo(page, 'input[name="origin"]');
      if (origin === 'remote') await page.keyboard.press('ArrowDown');
      else await page.keyboard.press('Space');
      expect(await page.isChecked(`input[name="origin"][value="${origin}"]`)).toBe(true);
      await tabTo(page, '#field-name');
      await page.keyboard.type(name);
      await pressAndWait(page, 'Enter', /done=joined/);
    }
    const contexts = [await browser.newContext(), await browser.newContext()];
    const [asker, voter] = await Promise.all(contexts.map((c) => c.newPage()));
    const watched = [watchPage(asker!), watchPage(voter!)];

    await joinByKeyboard(asker!, 'remote', 'Amani');
    const text = 'Can the report of this session quote remote participants?';
    await tabTo(asker!, '#field-text');
    await asker!.keyboard.type(text);
    await tabTo(asker!, '.live-ask button[type="submit"]');
    await asker!.keyboard.press('Enter');
    await asker!.getByText('Your question is published.').waitFor();

    await joinByKeyboard(voter!, 'room', 'Bea');
    await voter!.locator('.live-question-text', { hasText: text }).waitFor();
    await tabTo(voter!, '.live-question button[type="submit"]');
    await voter!.keyboard.press('Enter');
    await voter!.locator('.live-question', { hasText: text }).getByText('You voted').waitFor();
    await asker!.locator('.vote-count strong', { hasText: '1' }).waitFor({ timeout: 10_000 });
    await screenshot(voter!, 'keyboard-live');
    for (const w of watched) expect(w.errors).toEqual([]);
    for (const c of contexts) await c.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { createLiveSession } from '../../src/modules/live/index.ts';

describe('live session in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let sessionId: string;
  let moderatorToken: string;

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    const organiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: 'e2e-event' },
    ]);
    const moderator = await createTestUser(
      env,
      [{ role: 'moderator', scopeType: 'event', scopeId: 'e2e-event' }],
      'Remote Moderator',
    );
    moderatorToken = await startSession(env.ctx(), moderator.id, { mfaPassed: true });
    const session = await createLiveSession(env.ctx(organiser.actor), {
      eventId: 'e2e-event',
      title: 'Hybrid panel: building cyber capacity together',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:30:00Z',
      timeZone: 'Africa/Nairobi',
      room: 'Room B',
      moderation: false,
      speakers: [
        { name: 'Panellist Ama', stakeholderGroup: 'government' },
        { name: 'Panellist Ben', stakeholderGroup: 'civil-society', origin: 'remote' },
      ],
    });
    sessionId = session.id;
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  async function join(page: Page, origin: 'room' | 'remote', name: string) {
    await page.goto(`${env.baseUrl}/live/${sessionId}`);
    await page.check(`input[name="origin"][value="${origin}"]`);
    await page.fill('#field-name', name);
    await Promise.all([
      page.waitForURL(/done=joined/),
      page.click('.live-join button[type="submit"]'),
    ]);
  }

  it('shows a question asked in one browser in another at once, over server-sent events', async () => {
    const contexts: BrowserContext[] = [await browser.newContext(), await browser.newContext()];
    const [asker, watcher] = await Promise.all(contexts.map((c) => c.newPage()));
    const watched = [watchPage(asker!), watchPage(watcher!)];
    await join(asker!, 'remote', 'Amani');
    await join(watcher!, 'room', 'Bea');
    // Mark the watcher's page: if it reloaded, the mark would be gone.
    await watcher!.evaluate(() => ((window as unknown as { mark: number }).mark = 42));
    await watcher!.waitForFunction(() => !!document.querySelector('[data-island="live"]'));

    const text = 'How do we keep remote voices in the report of this session?';
    await asker!.fill('#field-text', text);
    await asker!.click('.live-ask button[type="submit"]');
    await asker!.getByText('Your question is published.').waitFor();
    await watcher!
      .locator('.live-questions .live-question-text', { hasText: text })
      .waitFor({ timeout: 10_000 });
    expect(await watcher!.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(42);
    await expect(watcher!.locator('.live-question').first().textContent()).resolves.toContain(
      'Asked by Amani',
    );

    // A vote from the watcher reaches the asker's page too.
    await watcher!.locator('.live-question button', { hasText: 'Vote' }).first().click();
    await watcher!.getByText('You voted').waitFor();
    await asker!.locator('.vote-count strong', { hasText: '1' }).waitFor({ timeout: 10_000 });

    expect(await axeViolations(watcher!)).toEqual([]);
    await screenshot(watcher!, 'live-participant');
    for (const w of watched) expect(w.errors).toEqual([]);
    for (const c of contexts) await c.close();
  });

  it('works without JavaScript: join, ask and vote by form posts and reloads', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await join(page, 'room', 'Chidi');
    const text = 'Without JavaScript, can I still ask a question?';
    await page.fill('#field-text', text);
    await Promise.all([
      page.waitForURL(/done=asked/),
      page.click('.live-ask button[type="submit"]'),
    ]);
    await page.getByText('Your question is published.').waitFor();
    await page.locator('.live-questions .live-question-text', { hasText: text }).waitFor();

    const other = await browser.newContext({ javaScriptEnabled: false });
    const voter = await other.newPage();
    await join(voter, 'remote', 'Dana');
    const item = voter.locator('.live-question', { hasText: text });
    await Promise.all([voter.waitForURL(/done=voted/), item.locator('button').click()]);
    await voter.locator('.live-question', { hasText: text }).getByText('You voted').waitFor();
    // (axe runs as a script, so it checks the same pages in the contexts with JavaScript.)
    await context.close();
    await other.close();
  });

  it('gives moderators an accessible console and the room a presenter view', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: moderatorToken, url: env.baseUrl }]);
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${env.baseUrl}/live/${sessionId}/console`);
    expect(await page.locator('h1').textContent()).toContain('Moderator console');
    const ama = page.locator('tr', { hasText: 'Panellist Ama' });
    await Promise.all([page.waitForURL(/done=turn/), ama.locator('button').click()]);
    await page.locator('tr', { hasText: 'Panellist Ama' }).getByText('Speaking now').waitFor();
    // Pin the first question from the console: the presenter view shows it as "now answering".
    const question = page.locator('#published .live-question').first();
    await Promise.all([
      page.waitForURL(/done=moderated/),
      question.getByRole('button', { name: /Answer now/ }).click(),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'live-console');

    const screen = await browser.newContext();
    const presenter = await screen.newPage();
    await presenter.goto(`${env.baseUrl}/live/${sessionId}/presenter`);
    await presenter.locator('.presenter-now .presenter-question').waitFor();
    expect(await presenter.locator('.presenter-now .presenter-question').textContent()).toContain(
      'remote voices',
    );
    expect(await axeViolations(presenter)).toEqual([]);
    await screenshot(presenter, 'live-presenter');
    expect(watched.errors).toEqual([]);
    await context.close();
    await screen.close();
  });
});

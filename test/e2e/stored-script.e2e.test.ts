/**
 * Stored script never runs: hostile text is stored through the API and the forms people use (a
 * catalogue resource, a discussion with Markdown, a live question and a participant's name), then
 * every page that shows it is opened in Chromium with JavaScript on. The text must be shown as
 * text, no script may run (`window.__pwned` stays unset), no `javascript:` link may survive, and
 * the page may raise no console error and no CSP violation (an injected handler that the policy
 * blocked would still be a hole, so it counts too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, serveTestEnv, watchPage, type ServedEnv } from '../helpers/browser.ts';
import { createTestUser, signedInAgent } from '../helpers/auth.ts';
import { organisationsModule } from '../../src/modules/organisations/index.ts';
import { createThread } from '../../src/modules/discussions/index.ts';
import { createLiveSession } from '../../src/modules/live/index.ts';

const SCRIPT = '<script>window.__pwned=1</script>';
const IMG = '<img src=x onerror="window.__pwned=1">';
const SVG = '"><svg onload=window.__pwned=1>';
// Account names refuse < and >: what is left to try is breaking out of an attribute.
const NAME = `Member" autofocus onfocus="window.__pwned=1" x='`;
const MARKDOWN = [
  `A paragraph ${IMG}`,
  '',
  '[a link](javascript:window.__pwned=1)',
  '',
  '<iframe src="javascript:window.__pwned=1"></iframe>',
  '',
  `<a href="#" onclick="window.__pwned=1">raw html link</a> ${SVG}`,
].join('\n');

interface Visit {
  pwned: unknown;
  violations: string[];
  javascriptLinks: number;
  text: string;
}

/** Opens `url`, waits for the page (and its islands) to settle, and reports what ran. */
async function visit(page: Page, url: string): Promise<Visit> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(200);
  await page.waitForLoadState('networkidle').catch(() => {});
  return page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
    violations: (window as unknown as { __violations: string[] }).__violations,
    javascriptLinks: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i]')
      .length,
    text: document.body.innerText,
  }));
}

describe('stored script in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let resourceSlug: string;
  let threadId: string;
  let liveId: string;

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    await organisationsModule.seedDemo!(env.ctx());
    const editor = await createTestUser(env, [{ role: 'editor', scopeType: 'site' }], NAME);

    // A published resource, through the JSON API an editor or an import would use.
    const agent = await signedInAgent(env, editor);
    await agent.get('/catalogue');
    const created = await agent.request('POST', '/api/v1/resources', {
      json: {
        kind: 'course',
        title: { en: `Hostile course ${SCRIPT}` },
        summary: { en: `Summary ${IMG} ${SVG}` },
        description: MARKDOWN,
        url: 'https://example.org/hostile-course',
        providers: [`Provider ${SCRIPT}`],
        themes: ['norms'],
        audiences: ['diplomats'],
        format: 'online-self-paced',
        cost: 'free',
        eligibility: `Anyone ${IMG}`,
        accessibility: `Notes ${SVG}`,
        durationHours: 2,
        status: 'published',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    resourceSlug = created.json<{ slug: string }>().slug;

    // A discussion whose title, opening post (Markdown) and author's name are hostile.
    const member = await createTestUser(env, [], NAME);
    threadId = (
      await createThread(env.ctx(member.actor), {
        title: `Thread ${SCRIPT}`,
        body: MARKDOWN,
        language: 'en',
        themes: ['norms'],
        region: 'western-africa',
      })
    ).id;

    const organiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: 'hostile-event' },
    ]);
    liveId = (
      await createLiveSession(env.ctx(organiser.actor), {
        eventId: 'hostile-event',
        title: `Live ${SCRIPT}`,
        startsAt: '2026-06-24T09:00:00Z',
        endsAt: '2026-06-24T10:30:00Z',
        timeZone: 'UTC',
        room: `Room ${SVG}`,
        moderation: false,
        speakers: [{ name: `Speaker ${IMG}`, stakeholderGroup: 'government' }],
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const page = await context.newPage();
    const { errors } = watchPage(page);
    // A dialog (alert, confirm) opened by the page is script that ran.
    page.on('dialog', (dialog) => {
      errors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { page, errors };
  }

  function expectInert(seen: Visit, errors: string[], shown: string[]): void {
    expect(seen.pwned).toBeUndefined();
    expect(seen.violations).toEqual([]);
    expect(seen.javascriptLinks).toBe(0);
    expect(errors).toEqual([]);
    for (const text of shown) expect(seen.text).toContain(text);
  }

  it('shows a hostile resource as text on its page, in search and in the feed-backed lists', async () => {
    const { page, errors } = await newPage();
    expectInert(await visit(page, `${env.baseUrl}/resources/${resourceSlug}`), errors, [
      `Hostile course ${SCRIPT}`,
      `Summary ${IMG}`,
      `Provider ${SCRIPT}`,
      'raw html link',
    ]);
    expectInert(
      await visit(page, `${env.baseUrl}/catalogue?q=${encodeURIComponent('hostile course')}`),
      errors,
      [`Hostile course ${SCRIPT}`],
    );
    // The query itself is echoed into the page: hostile too.
    expectInert(
      await visit(page, `${env.baseUrl}/catalogue?q=${encodeURIComponent(SVG + SCRIPT)}`),
      errors,
      [],
    );
    expectInert(await visit(page, `${env.baseUrl}/ar/resources/${resourceSlug}`), errors, []);
    await page.context().close();
  });

  it('shows a hostile discussion, its Markdown and its author as text', async () => {
    const { page, errors } = await newPage();
    const seen = await visit(page, `${env.baseUrl}/discussions/${threadId}`);
    expectInert(seen, errors, [`Thread ${SCRIPT}`, NAME, 'a link', 'raw html link']);
    expectInert(await visit(page, `${env.baseUrl}/discussions`), errors, [`Thread ${SCRIPT}`]);
    await page.context().close();
  });

  it('keeps a hostile live question and name inert in the page and over server-sent events', async () => {
    const { page: watcher, errors: watcherErrors } = await newPage();
    expectInert(await visit(watcher, `${env.baseUrl}/live/${liveId}`), watcherErrors, [
      `Live ${SCRIPT}`,
    ]);
    await watcher.waitForFunction(() => !!document.querySelector('[data-island="live"]'));

    const { page: asker, errors: askerErrors } = await newPage();
    await asker.goto(`${env.baseUrl}/live/${liveId}`);
    await asker.check('input[name="origin"][value="remote"]');
    await asker.fill('#field-name', `Asker ${SVG}`);
    await Promise.all([
      asker.waitForURL(/done=joined/),
      asker.click('.live-join button[type="submit"]'),
    ]);
    const question = `Question ${SCRIPT} ${IMG}`;
    await asker.fill('#field-text', question);
    await asker.click('.live-ask button[type="submit"]');
    await asker.getByText('Your question is published.').waitFor();

    // Rendered by the island from the event stream, without a reload.
    await watcher
      .locator('.live-questions .live-question-text', { hasText: question })
      .waitFor({ timeout: 10_000 });
    const live = await watcher.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      violations: (window as unknown as { __violations: string[] }).__violations,
      text: document.body.innerText,
    }));
    expect(live.pwned).toBeUndefined();
    expect(live.violations).toEqual([]);
    expect(live.text).toContain(`Asker ${SVG}`);
    expect(watcherErrors).toEqual([]);

    // And rendered on the server after a reload.
    expectInert(await visit(asker, `${env.baseUrl}/live/${liveId}`), askerErrors, [
      question,
      `Asker ${SVG}`,
    ]);
    await watcher.context().close();
    await asker.context().close();
  });
});

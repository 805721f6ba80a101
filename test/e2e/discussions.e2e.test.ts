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
import { createTestUser } from '../helpers/auth.ts';
import { SESSION_COOKIE, startSession } from '../../src/modules/accounts/index.ts';

const HOSTILE = [
  'A hostile post with **bold** text.',
  '<script>window.__pwned = "script"</script>',
  '<img src="x" onerror="window.__pwned = \'onerror\'">',
  "[a javascript link](javascript:window.__pwned='link')",
  '<a href="https://example.org" onmouseover="window.__pwned=\'hover\'">hover me</a>',
  '<svg onload="window.__pwned=\'svg\'"></svg><iframe src="javascript:window.__pwned=\'iframe\'"></iframe>',
  '<details open ontoggle="window.__pwned=\'toggle\'"><summary>x</summary></details>',
].join('\n\n');

describe('discussions in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let context: BrowserContext;
  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    browser = await launchBrowser();
    const user = await createTestUser(env, [], 'Browser Member');
    const token = await startSession(env.ctx(), user.id, { mfaPassed: true });
    context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: env.baseUrl }]);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await env?.close();
  });

  it('posts a thread with hostile Markdown: nothing executes, the page passes axe', async () => {
    const page = await context.newPage();
    const watched = watchPage(page);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${env.baseUrl}/discussions/new`);
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#field-title', 'Hostile Markdown in a browser');
    await page.fill('#field-body', HOSTILE);
    await page.getByLabel('Cybercrime').check();
    await Promise.all([
      page.waitForURL(/\/discussions\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Start the discussion' }).click(),
    ]);
    await page.getByText('hover me').hover();
    await page.getByText('a javascript link').click();
    await page.waitForTimeout(200);
    expect(
      await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned),
    ).toBeUndefined();
    expect(dialogs).toEqual([]);
    const dom = await page.evaluate(() => {
      const body = document.querySelector('.post-body')!;
      const all = [...body.querySelectorAll('*')];
      return {
        html: body.innerHTML,
        scripts: body.querySelectorAll('script, iframe, svg, img, object, embed').length,
        handlers: all.flatMap((el) =>
          [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name),
        ),
        links: [...body.querySelectorAll('a')].map((a) => ({
          href: a.getAttribute('href'),
          rel: a.getAttribute('rel'),
        })),
      };
    });
    expect(dom.scripts).toBe(0);
    expect(dom.handlers).toEqual([]);
    expect(dom.html).toContain('<strong>bold</strong>');
    for (const link of dom.links) {
      expect(link.href ?? '').not.toMatch(/^\s*javascript:/i);
      expect(link.rel).toBe('nofollow ugc noopener');
    }
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'discussions-hostile-thread');
    expect(watched.errors).toEqual([]);

    // Replying works without JavaScript-free surprises, and the list page is accessible too.
    await page.fill('#field-body', 'A calm reply quoting nothing.');
    await Promise.all([
      page.waitForURL(/#post-/),
      page.getByRole('button', { name: 'Send reply' }).click(),
    ]);
    expect(await page.locator('article.post').count()).toBe(2);
    await page.goto(`${env.baseUrl}/discussions`);
    expect(await page.locator('h1').textContent()).toBe('Discussions');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'discussions-list');
    await page.close();
  });

  it('shows expert pages and the profile form without axe violations', async () => {
    const page = await context.newPage();
    const watched = watchPage(page);
    await page.goto(`${env.baseUrl}/account/expert-profile`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Cybercrime').first().check();
    await page.fill('#field-languages', 'French, Klingon');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.waitForSelector('.error-summary');
    expect(await page.locator('#error-languages').textContent()).toContain(
      'Unknown language "Klingon"',
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.fill('#field-languages', 'French');
    await Promise.all([
      page.waitForURL(/\/experts\/[0-9a-f-]{36}\?saved=1$/),
      page.getByRole('button', { name: 'Save profile' }).click(),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'experts-own-profile');
    await page.goto(`${env.baseUrl}/experts?theme=cybercrime`);
    expect(await page.locator('.expert-card').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'experts-directory');
    // The refused form came back with status 422, which the console reports; nothing else may.
    expect(watched.errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await page.close();
  });
});

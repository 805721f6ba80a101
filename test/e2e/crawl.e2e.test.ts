/**
 * Every page type, signed out and signed in, in English and Arabic: a crawler follows the site's
 * own links from the home page, one page per route pattern, and checks each with axe (WCAG 2.1 AA),
 * for console errors and CSP violations, and for the weight budgets of DESIGN.md section 7.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  launchBrowser,
  serveTestEnv,
  watchPage,
  type ServedEnv,
} from '../helpers/browser.ts';
import { createTestUser } from '../helpers/auth.ts';
import { startSession, SESSION_COOKIE } from '../../src/modules/accounts/index.ts';
import { seedDemo } from '../../src/runtime.ts';

const MAX_PAGES = Number(process.env.CRAWL_MAX_PAGES ?? 60);
const HTML_BUDGET = 30 * 1024;
// The coverage page carries the world map as inline SVG (readable without JavaScript): its own,
// wider budget. Every catalogue and search page keeps DESIGN.md's 30 KB.
const htmlBudget = (url: string) => (/\/coverage(\?|$)/.test(url) ? 60 * 1024 : HTML_BUDGET);
const FIRST_VISIT_BUDGET = 100 * 1024;

interface PageReport {
  url: string;
  pattern: string;
  status: number;
  violations: Awaited<ReturnType<typeof axeViolations>>;
  errors: string[];
  htmlBytes: number;
  totalBytes: number;
}

function patternMatcher(routes: ReadonlyArray<{ method: string; url: string }>) {
  const compiled = routes
    .filter((r) => r.method === 'GET' && !r.url.startsWith('/api/') && !r.url.startsWith('/docs'))
    .map((r) => ({
      url: r.url,
      regex: new RegExp(
        `^${r.url
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:\w+/g, '[^/]+')
          .replace(/\*/g, '.*')}$`,
      ),
    }))
    // Static patterns before parametric ones, as the router does.
    .sort((a, b) => (a.url.includes(':') ? 1 : 0) - (b.url.includes(':') ? 1 : 0));
  return (path: string) => compiled.find((c) => c.regex.test(path))?.url ?? null;
}

async function visit(
  context: BrowserContext,
  url: string,
): Promise<Omit<PageReport, 'pattern'> | null> {
  const page: Page = await context.newPage();
  const watched = watchPage(page);
  let totalBytes = 0;
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (sizes) totalBytes += sizes.responseBodySize + sizes.responseHeadersSize;
  });
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load' });
  } catch (error) {
    await page.close();
    // A link to a file (an attachment, a data export) starts a download: not a page.
    if (/Download is starting/.test(String(error))) return null;
    throw error;
  }
  const htmlBytes = response ? (await response.request().sizes()).responseBodySize : 0;
  const violations = response?.status() === 200 ? await axeViolations(page) : [];
  await page.close();
  return {
    url,
    status: response?.status() ?? 0,
    violations,
    errors: watched.errors,
    htmlBytes,
    totalBytes,
  };
}

async function crawl(
  env: ServedEnv,
  context: BrowserContext,
  locale: string,
): Promise<PageReport[]> {
  const patternOf = patternMatcher(env.app.routeList);
  const seen = new Set<string>();
  const queue = [`/${locale}/`];
  const reports: PageReport[] = [];
  const page = await context.newPage();
  while (queue.length && reports.length < MAX_PAGES) {
    const path = queue.shift()!;
    const bare = path.replace(/^\/(ar|zh|en|fr|ru|es)(?=\/|$)/, '').split('?')[0] || '/';
    const pattern = patternOf(bare);
    if (!pattern || seen.has(pattern)) continue;
    seen.add(pattern);
    const report = await visit(context, `${env.baseUrl}${path}`);
    if (!report) continue;
    reports.push({ ...report, pattern });
    await page.goto(`${env.baseUrl}${path}`);
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const href of links) {
      if (
        !href.startsWith('/') ||
        href.startsWith('//') ||
        href.includes('.atom') ||
        href.includes('.ics') ||
        href.includes('.csv') ||
        href.includes('/export')
      )
        continue;
      if (href.startsWith('/docs') || href.startsWith('/api/')) continue;
      // Stay in this locale.
      if (!href.startsWith(`/${locale}/`) && href !== `/${locale}`) continue;
      queue.push(href);
    }
  }
  await page.close();
  return reports;
}

describe('every page type in Chromium', () => {
  let env: ServedEnv;
  let browser: Browser;
  let adminCookie: string;

  beforeAll(async () => {
    env = await serveTestEnv('pglite');
    await seedDemo(env.deps);
    const admin = await createTestUser(
      env,
      [{ role: 'site-admin', scopeType: 'site' }],
      'Demo Admin',
    );
    adminCookie = await startSession(env.ctx(), admin.id, { mfaPassed: true });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  for (const locale of ['en', 'ar']) {
    for (const signedIn of [false, true]) {
      it(`${locale}, ${signedIn ? 'signed in' : 'signed out'}: no axe violations, console errors or CSP violations; within budgets`, async () => {
        const context = await browser.newContext();
        if (signedIn) {
          await context.addCookies([
            { name: SESSION_COOKIE, value: adminCookie, url: env.baseUrl },
          ]);
        }
        const reports = await crawl(env, context, locale);
        await context.close();
        expect(reports.length).toBeGreaterThan(0);
        const problems = reports.flatMap((r) => [
          ...(r.status !== 200 ? [`${r.url}: HTTP ${r.status}`] : []),
          ...r.violations.map(
            (v) => `${r.url}: axe ${v.id} (${v.impact}) at ${v.nodes.join(', ')}`,
          ),
          ...r.errors.map((e) => `${r.url}: console ${e}`),
          ...(r.htmlBytes > htmlBudget(r.url)
            ? [`${r.url}: HTML ${r.htmlBytes} B > ${htmlBudget(r.url)} B`]
            : []),
          ...(r.totalBytes > FIRST_VISIT_BUDGET
            ? [`${r.url}: first visit ${r.totalBytes} B > ${FIRST_VISIT_BUDGET} B`]
            : []),
        ]);
        expect(problems).toEqual([]);
      });
    }
  }
});

import { chromium, type Browser, type Page, type ConsoleMessage } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv, type TestEnvOptions } from './app.ts';
import type { DatabaseKind } from '../../src/db/database.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

export interface ServedEnv extends TestEnv {
  baseUrl: string;
}

/** The app listening on a loopback port, so that a real browser can use it. */
export async function serveTestEnv(
  kind: DatabaseKind,
  options: TestEnvOptions = {},
): Promise<ServedEnv> {
  const env = await createTestEnv(kind, options);
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = env.app.server.address() as AddressInfo;
  return { ...env, baseUrl: `http://127.0.0.1:${port}` };
}

/** Records console errors and CSP violations on a page, for tests to assert there are none. */
export function watchPage(page: Page): { errors: string[] } {
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { errors };
}

/** WCAG 2.1 AA violations found by axe on the current page. */
export async function axeViolations(page: Page) {
  const results = await new AxeBuilder({ page: page as never })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
  }));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync('test-results', { recursive: true });
  const path = `test-results/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * An outside judge: Lighthouse (driving Debian's Chromium) on the key pages of a seeded server.
 * Scores for performance, accessibility, best practices and SEO; each should be ≥ 95.
 */
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from './lib/report.ts';
import { startServer } from './lib/server.ts';

const PAGES: Array<[string, string]> = [
  ['home', '/'],
  ['catalogue search', '/catalogue?q=international+law&cost=free&language=fr'],
  ['resource', '/resources/introduction-to-cyber-diplomacy'],
  ['initiative map', '/coverage'],
  ['event programme', '/events'],
];

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-lh-'));
  const server = await startServer({ DATA_DIR: dir });
  const chrome = await launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromeFlags: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const rows: Array<Array<string | number>> = [];
  try {
    for (const [name, path] of PAGES) {
      const result = await lighthouse(`${server.url}${path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
        // Desktop-class throttling would flatter us; keep Lighthouse's default mobile emulation.
      });
      const status = result?.lhr.audits['http-status-code']?.score === 0 ? ' (not 200)' : '';
      const categories = result?.lhr.categories ?? {};
      const score = (key: string) => Math.round((categories[key]?.score ?? 0) * 100);
      rows.push([
        `${name}${status}`,
        `\`${path}\``,
        score('performance'),
        score('accessibility'),
        score('best-practices'),
        score('seo'),
      ]);
    }
  } finally {
    chrome.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    'Lighthouse (mobile emulation, default throttling) against `commons serve` with the demo data, PGlite, 127.0.0.1.',
    '',
    table(['page', 'path', 'performance', 'accessibility', 'best practices', 'SEO'], rows),
  ].join('\n');
}

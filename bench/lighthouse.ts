/**
 * An outside judge: Lighthouse (driving Debian's Chromium) on the key pages of a seeded server.
 * Scores for performance, accessibility, best practices and SEO; each should be ≥ 95.
 */
import lighthouse from 'lighthouse';
import { launch } from 'chrome-launcher';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus as cpuList, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, table } from './lib/report.ts';
import { startServer } from './lib/server.ts';

/** Runs per page: the performance score swings with the machine's load, so report the median. */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

const PAGES: Array<[string, string]> = [
  ['home', '/'],
  ['catalogue search', '/catalogue?q=international+law&cost=free&language=fr'],
  ['resource', '/resources/introduction-to-cyber-diplomacy'],
  ['initiative map', '/coverage'],
  ['event programme', '/events'],
];

export async function run(): Promise<string> {
  // Score what visitors get: the islands and the stylesheet as built from this checkout (a stale
  // or missing build would be scored as an unstyled page).
  await import('../scripts/build-islands.ts');
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
  const loadAtStart = loadavg()[0]!;
  const cpus = cpuList().length;
  try {
    for (const [name, path] of PAGES) {
      const scores: Record<string, number[]> = {};
      let status = '';
      for (let run = 0; run < RUNS; run += 1) {
        const result = await lighthouse(`${server.url}${path}`, {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: [...CATEGORIES],
          // Desktop-class throttling would flatter us; keep Lighthouse's default mobile emulation.
        });
        if (result?.lhr.audits['http-status-code']?.score === 0) status = ' (not 200)';
        for (const key of CATEGORIES) {
          const score = result?.lhr.categories[key]?.score;
          // A run that could not score (a page that did not paint in time) is left out, not a 0.
          if (typeof score === 'number') (scores[key] ??= []).push(Math.round(score * 100));
        }
      }
      const cell = (key: string) => {
        const values = scores[key] ?? [];
        if (!values.length) return 'n/a';
        const spread = values.length > 1 ? ` (${Math.min(...values)}–${Math.max(...values)})` : '';
        return `${median(values)}${spread}`;
      };
      rows.push([`${name}${status}`, `\`${path}\``, ...CATEGORIES.map(cell)]);
    }
  } finally {
    chrome.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    `Lighthouse (mobile emulation, default throttling) against \`commons serve\` with the demo data, PGlite, 127.0.0.1. Median of ${RUNS} runs per page (lowest–highest in brackets); load average at the start: ${loadAtStart.toFixed(1)} on ${cpus} cores.`,
    '',
    table(['page', 'path', 'performance', 'accessibility', 'best practices', 'SEO'], rows),
  ].join('\n');
}

/**
 * Overlap analysis at 1,000, 10,000 and 100,000 generated initiatives: time and peak memory of
 * findOverlaps (tokenising, TF-IDF, blocking by country × theme, inverted-index candidates,
 * scoring), each size in its own process. The growth exponent k in time ∝ n^k between sizes shows
 * whether the analysis is sub-quadratic (k < 2). Bounded: a run is stopped after 150 s.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from './lib/report.ts';

interface Run {
  n: number;
  ms: number;
  cpuMs: number;
  pairs: number;
  likelyDuplicates: number;
  peakRssMb: number;
  baselineRssMb: number;
}

const worker = fileURLToPath(new URL('./overlap-worker.ts', import.meta.url));

function measure(n: number): Run {
  const result = spawnSync(process.execPath, ['--import', 'tsx', worker, String(n)], {
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (result.status !== 0)
    throw new Error(`overlap worker for ${n} failed: ${result.stderr || result.signal}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Run;
}

export async function run(): Promise<string> {
  const plan: Array<[number, number]> = [
    [1_000, 5],
    [10_000, 3],
    [100_000, 1],
  ];
  const rows: Array<{ n: number; ms: number; cpuMs: number; runs: number; last: Run }> = [];
  const load = loadavg()[0]!;
  for (const [n, times] of plan) {
    const runs = Array.from({ length: times }, () => measure(n));
    rows.push({
      n,
      ms: median(runs.map((r) => r.ms)),
      cpuMs: median(runs.map((r) => r.cpuMs)),
      runs: times,
      last: runs[runs.length - 1]!,
    });
  }
  const lines = [
    '## Overlap analysis (bench/overlap.ts)',
    '',
    '',
    `Generated initiatives (bench/initiatives-generator.ts: skewed countries, 1–2 themes, 6–36 month periods, ~5 % paraphrased duplicates; a narrow vocabulary, so many more candidate pairs than real data). Times are medians of the runs: wall-clock, and CPU time of the analysing process (what the work costs when the machine is shared; load average at the start: ${load.toFixed(1)} on ${cpus().length} cores). Memory is the peak resident set of that process, the generated data included. The growth exponent k (time ∝ n^k) is from CPU time.`,
    '',
    '| initiatives | runs | wall-clock | CPU time | pairs kept | likely duplicates | peak memory | k |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  rows.forEach((r, i) => {
    const prev = rows[i - 1];
    const k = prev ? (Math.log(r.cpuMs / prev.cpuMs) / Math.log(r.n / prev.n)).toFixed(2) : '—';
    lines.push(
      `| ${r.n.toLocaleString('en')} | ${r.runs} | ${(r.ms / 1000).toFixed(2)} s | ${(r.cpuMs / 1000).toFixed(2)} s | ${r.last.pairs.toLocaleString('en')} | ${r.last.likelyDuplicates.toLocaleString('en')} | ${Math.round(r.last.peakRssMb)} MB | ${k} |`,
    );
  });
  const big = rows[rows.length - 1]!;
  lines.push(
    '',
    `100,000 initiatives: ${(big.cpuMs / 1000).toFixed(1)} s of CPU, ${(big.ms / 1000).toFixed(1)} s wall-clock (budget: 60 s).`,
  );
  return lines.join('\n');
}

/**
 * One measured overlap analysis in a fresh process (so that its peak memory is its own):
 * `node --import tsx bench/overlap-worker.ts N` prints a JSON line.
 */
import { generateInitiatives } from './initiatives-generator.ts';
import { findOverlaps } from '../src/modules/initiatives/overlap.ts';

const n = Number(process.argv[2]);
const items = generateInitiatives(n);
const baseline = process.resourceUsage().maxRSS;
const cpu = process.cpuUsage();
const start = performance.now();
const pairs = findOverlaps(items);
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    n,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    pairs: pairs.length,
    likelyDuplicates: pairs.filter((p) => p.likelyDuplicate).length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    baselineRssMb: baseline / 1024,
  }),
);

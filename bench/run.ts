/**
 * `npm run bench [-- NAME ...]`: runs bench/NAME.ts (all of them without a name) and appends each
 * section, with the machine and the date, to docs/benchmarks.md.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine } from './lib/report.ts';

const dir = fileURLToPath(new URL('./', import.meta.url));
const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const available = readdirSync(dir)
  // A benchmark is a file that exports run(); generators and workers beside them are not.
  .filter(
    (f) =>
      f.endsWith('.ts') &&
      f !== 'run.ts' &&
      /export async function run\(/.test(readFileSync(`${dir}${f}`, 'utf8')),
  )
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !available.includes(a));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}
if (!existsSync(out))
  writeFileSync(out, '# Benchmarks\n\nFigures appended by `npm run bench`; newest last.\n');

let failed = false;
for (const name of asked.length ? asked : available) {
  const started = new Date();
  console.log(`== ${name}`);
  try {
    const mod = (await import(pathToFileURL(`${dir}${name}.ts`).href)) as {
      run: () => Promise<string>;
    };
    const section = await mod.run();
    const text = `\n## ${name} — ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${machine()}.\n\n${section}\n`;
    appendFileSync(out, text);
    console.log(section);
  } catch (error) {
    failed = true;
    console.error(`${name} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);

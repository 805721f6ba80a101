/**
 * `npm run bench [-- NAME…]`: runs each benchmark in bench/ (a module exporting
 * `run(): Promise<string>` that answers a Markdown section), or only those named, prints the
 * sections and appends them to docs/benchmarks.md.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter(
    (f) =>
      f.endsWith('.ts') &&
      f !== 'run.ts' &&
      !f.endsWith('-worker.ts') &&
      !f.endsWith('-generator.ts'),
  )
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')))
  .sort();
if (files.length === 0) {
  console.error(`No benchmark named ${wanted.join(', ')}.`);
  process.exit(2);
}
mkdirSync(fileURLToPath(new URL('../docs/', import.meta.url)), { recursive: true });
if (!existsSync(out))
  writeFileSync(
    out,
    '# Benchmarks\n\nSections are appended by `npm run bench`; the newest are at the end.\n',
  );
for (const file of files) {
  const mod = (await import(pathToFileURL(`${dir}${file}`).href)) as {
    run?: () => Promise<string>;
  };
  if (typeof mod.run !== 'function') continue;
  console.error(`== ${file}`);
  const section = await mod.run();
  console.log(section);
  appendFileSync(out, `\n${section.trim()}\n`);
}

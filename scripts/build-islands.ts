/**
 * Builds the client side: one small ES module per island (src/web/islands/*.island.tsx) and the
 * stylesheet, into public/build/. Pages work without any of it.
 */
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const islandsDir = `${root}src/web/islands`;
const entries = readdirSync(islandsDir)
  .filter((f) => f.endsWith('.island.tsx'))
  .map((f) => ({ in: `${islandsDir}/${f}`, out: `islands/${f.replace(/\.island\.tsx$/, '')}` }));

await build({
  entryPoints: [...entries, { in: `${root}src/web/styles/main.css`, out: 'main' }],
  outdir: `${root}public/build`,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  chunkNames: 'islands/chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`built ${entries.length} island(s) and the stylesheet into public/build/`);

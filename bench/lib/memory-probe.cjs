// Preloaded into benchmarked servers (node --expose-gc --require): on SIGUSR2, collect garbage and
// print the memory in use, so that a benchmark can measure what open connections really hold.
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  process.stdout.write(`MEMORY ${JSON.stringify(process.memoryUsage())}\n`);
});

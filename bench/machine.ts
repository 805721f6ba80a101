import { cpus, totalmem } from 'node:os';

/** One line about the machine and the run, for every benchmark section. */
export function machineFacts(): string {
  const cpu = cpus();
  return `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'} · ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

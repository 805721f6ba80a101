import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { startRuntime, type Runtime } from '../runtime.ts';

/** Exit codes of every command: 0 done, 1 the operation failed (errors listed), 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export class UsageError extends Error {}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export function parse<const T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs `work` with a started runtime (database migrated) and always closes it. */
export async function withRuntime<T>(
  work: (runtime: Runtime) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`Configuration error: ${error.message}`);
    throw error;
  }
  const runtime = await startRuntime(
    { ...config, logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn' },
    options,
  );
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

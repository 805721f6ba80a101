import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { buildApp } from './app.ts';
import { jobRunner, seedDemo, startRuntime, warmUp } from './runtime.ts';

/** Reads config, opens the database, builds the app, listens — nothing else. */
export async function main(options: { seed?: boolean } = {}): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  let runtime;
  try {
    runtime = await startRuntime(config);
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { deps } = runtime;
  // An empty embedded database gets the demo set, so the first visit shows a living platform.
  if (options.seed ?? !config.databaseUrl) await seedDemo(deps);

  const app = await buildApp(deps);
  // Background jobs (digests, link checks, deadline decisions) run in the serving process.
  const jobs = jobRunner(deps);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    deps.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    try {
      await app.close();
      await jobs.stop();
      await runtime.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  jobs.start();
  // After listening: /readyz answers meanwhile; caches such as the search index fill behind it.
  void warmUp(deps);
}

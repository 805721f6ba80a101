/**
 * Link checking: every published resource's URL is requested (HEAD, then GET when HEAD is
 * refused), redirects followed by hand so that permanent moves are seen, with a time-out per
 * request, a bounded number of hosts at once and one request at a time per host.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './resources.repository.ts';
import type { LinkStatus } from './resources.ts';

export interface LinkCheckOptions {
  /** Hosts checked at the same time (each host gets one request at a time). */
  concurrency?: number;
  /** Time-out of each request. */
  timeoutMs?: number;
  /** Most links in one run. */
  limit?: number;
  /** Links checked more recently than this are skipped. */
  recheckAfterMs?: number;
}

export interface LinkCheckReport {
  checked: number;
  ok: number;
  moved: number;
  broken: number;
  /** Links whose status changed in this run. */
  changed: number;
  durationMs: number;
}

export interface Probe {
  status: Exclude<LinkStatus, 'unchecked'>;
  httpStatus: number | null;
  location: string | null;
  error: string | null;
}

const MAX_REDIRECTS = 5;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** One link, followed through its redirects. */
export async function probe(url: string, timeoutMs: number, userAgent: string): Promise<Probe> {
  let current = url;
  let permanent = false;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      const ask = (method: 'HEAD' | 'GET') =>
        fetch(current, {
          method,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          headers: { 'user-agent': userAgent, accept: 'text/html,*/*;q=0.8' },
        });
      response = await ask('HEAD');
      // Some servers refuse HEAD; ask again the ordinary way.
      if ([403, 404, 405, 501].includes(response.status)) {
        await response.body?.cancel();
        response = await ask('GET');
      }
      await response.body?.cancel();
    } catch (error) {
      const name = (error as Error).name;
      const message =
        name === 'TimeoutError' || name === 'AbortError'
          ? `No answer within ${timeoutMs} ms.`
          : `Could not connect: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`;
      return { status: 'broken', httpStatus: null, location: null, error: message };
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (response.status === 301 || response.status === 308) permanent = true;
      current = new URL(location, current).toString();
      continue;
    }
    if (response.status >= 200 && response.status < 300) {
      return permanent
        ? { status: 'moved', httpStatus: response.status, location: current, error: null }
        : { status: 'ok', httpStatus: response.status, location: null, error: null };
    }
    // Reachable, but it will not talk to robots: not evidence of a dead link.
    if ([401, 403, 429].includes(response.status)) {
      return { status: 'ok', httpStatus: response.status, location: null, error: null };
    }
    return {
      status: 'broken',
      httpStatus: response.status,
      location: null,
      error: `The server answered ${response.status}.`,
    };
  }
  return { status: 'broken', httpStatus: null, location: null, error: 'Too many redirects.' };
}

/** Checks the links due for a check and records what it finds. */
export async function runLinkCheck(
  ctx: ServiceContext,
  options: LinkCheckOptions = {},
): Promise<LinkCheckReport> {
  authorize(ctx, 'catalogue.review');
  const started = performance.now();
  const concurrency = clamp(Math.floor(options.concurrency ?? 4), 1, 16);
  const timeoutMs = clamp(Math.floor(options.timeoutMs ?? 10_000), 50, 60_000);
  const limit = clamp(Math.floor(options.limit ?? 5_000), 1, 100_000);
  const recheckAfterMs = options.recheckAfterMs ?? 7 * 24 * 3600 * 1000;
  const userAgent = `CapacityCommonsLinkCheck/1 (+${ctx.config.baseUrl})`;
  const links = await repo.linksToCheck(
    ctx.readDb,
    new Date(ctx.clock.now().getTime() - recheckAfterMs),
    limit,
  );

  // One queue per host: hosts in parallel, a host's links one after another.
  const queues = new Map<string, typeof links>();
  for (const link of links) {
    let host: string;
    try {
      host = new URL(link.url).host;
    } catch {
      host = link.url;
    }
    queues.set(host, [...(queues.get(host) ?? []), link]);
  }
  const hosts = [...queues.values()];
  const report: LinkCheckReport = {
    checked: 0,
    ok: 0,
    moved: 0,
    broken: 0,
    changed: 0,
    durationMs: 0,
  };

  const worker = async () => {
    for (let queue = hosts.shift(); queue; queue = hosts.shift()) {
      for (const link of queue) {
        const result = await probe(link.url, timeoutMs, userAgent);
        const failures = result.status === 'broken' ? link.link_failures + 1 : 0;
        const changed = result.status !== link.link_status;
        await ctx.db.transaction().execute(async (trx) => {
          await repo.recordLinkResult(trx, link.id, {
            ...result,
            failures,
            checkedAt: ctx.clock.now(),
          });
          // Only changes are audited; a link found fine again and again is not news.
          if (changed) {
            await recordAudit(trx, ctx, {
              action: 'resource.link-check',
              entityType: 'resource',
              entityId: link.id,
              before: { linkStatus: link.link_status },
              after: {
                linkStatus: result.status,
                httpStatus: result.httpStatus,
                error: result.error,
              },
            });
          }
        });
        report.checked += 1;
        report[result.status] += 1;
        if (changed) report.changed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
  report.durationMs = Math.round(performance.now() - started);
  ctx.log.info({ ...report }, 'catalogue link check');
  return report;
}

/** The job's payload, leniently read: anything missing takes the defaults. */
export function linkCheckOptionsFrom(payload: unknown): LinkCheckOptions {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    concurrency: num(p.concurrency),
    timeoutMs: num(p.timeoutMs),
    limit: num(p.limit),
    recheckAfterMs: num(p.recheckAfterMs),
  };
}

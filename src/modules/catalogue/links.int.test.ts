import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import {
  catalogueModule,
  getResourceBySlug,
  importResources,
  needsAttention,
  runLinkCheck,
} from './index.ts';

/** A local web server standing in for providers' sites: these machines reach no outside site. */
function providerSite(): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p>fine</p>');
        return;
      case '/dead':
        res.writeHead(404).end('gone');
        return;
      case '/moved':
        res.writeHead(301, { location: '/new-home' }).end();
        return;
      case '/new-home':
        res.writeHead(200).end('here now');
        return;
      case '/temporary':
        res.writeHead(302, { location: '/ok' }).end();
        return;
      case '/no-head':
        res.writeHead(req.method === 'HEAD' ? 405 : 200).end();
        return;
      case '/slow':
        setTimeout(() => res.writeHead(200).end('too late'), 1500);
        return;
      default:
        res.writeHead(500).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}`, hits });
    }),
  );
}

describe.each(databaseKinds())('catalogue link check on %s', (kind) => {
  let env: TestEnv;
  let site: Awaited<ReturnType<typeof providerSite>>;
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    env = await createTestEnv(kind);
    site = await providerSite();
    const paths = ['ok', 'dead', 'moved', 'temporary', 'no-head', 'slow'];
    await importResources(
      env.ctx(),
      paths.map((path) => ({
        slug: `link-${path}`,
        kind: 'tool',
        title: { en: `Link ${path}` },
        url: `${site.base}/${path}`,
        themes: ['standards'],
        format: 'online-self-paced',
        cost: 'free',
        // One has not been verified for years: stale, whatever its link.
        verifiedAt: path === 'temporary' ? '2023-01-10' : today,
      })),
    );
  });
  afterAll(async () => {
    await env?.close();
    await new Promise((resolve) => site?.server.close(resolve));
  });

  it('marks dead, moved and unanswered links, within the time-out, politely', async () => {
    const report = await runLinkCheck(env.ctx(), { concurrency: 2, timeoutMs: 300 });
    expect(report).toMatchObject({ checked: 6, ok: 3, moved: 1, broken: 2, changed: 6 });
    const link = async (slug: string) => (await getResourceBySlug(env.ctx(), slug)).link;
    expect(await link('link-ok')).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(await link('link-dead')).toMatchObject({ status: 'broken', httpStatus: 404 });
    expect(await link('link-moved')).toMatchObject({
      status: 'moved',
      location: `${site.base}/new-home`,
    });
    expect(await link('link-temporary')).toMatchObject({ status: 'ok' });
    expect(await link('link-no-head')).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(await link('link-slow')).toMatchObject({
      status: 'broken',
      error: 'No answer within 300 ms.',
    });
    // HEAD first; GET only where HEAD is refused.
    expect(site.hits).toContain('HEAD /ok');
    expect(site.hits).not.toContain('GET /ok');
    expect(site.hits).toContain('GET /no-head');
  });

  it('lists what needs an editor’s attention', async () => {
    const list = await needsAttention(env.ctx());
    const reasons = Object.fromEntries(list.map((i) => [i.resource.slug, i.reasons]));
    expect(reasons).toEqual({
      'link-dead': ['broken'],
      'link-slow': ['broken'],
      'link-moved': ['moved'],
      'link-temporary': ['stale'],
    });
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'resource.link-check')
      .execute();
    expect(audit).toHaveLength(6);
  });

  it('runs as the catalogue.link-check job and skips links checked recently', async () => {
    const handler = catalogueModule.jobs?.['catalogue.link-check'];
    const job = {
      id: 'test',
      name: 'catalogue.link-check',
      attempt: 1,
      maxAttempts: 1,
      complete: async () => {},
    };
    expect(handler).toBeTypeOf('function');
    const before = site.hits.length;
    await handler!(env.ctx(), { concurrency: 2, timeoutMs: 300 }, job);
    expect(site.hits.length).toBe(before);
    await handler!(env.ctx(), { timeoutMs: 300, recheckAfterMs: 0 }, job);
    expect(site.hits.length).toBeGreaterThan(before);
    // The second failure in a row is counted.
    const dead = await env.deps.db
      .selectFrom('resources')
      .select('link_failures')
      .where('slug', '=', 'link-dead')
      .executeTakeFirstOrThrow();
    expect(dead.link_failures).toBe(2);
  });
});

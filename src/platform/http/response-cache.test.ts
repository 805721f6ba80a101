/**
 * The response cache's own rules, on a bare Fastify app: what is kept, what never is, and that a
 * kept answer is served only while the stamp read for the new request is the stamp it was made at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import { responseCachePlugin, type CachePolicy } from './response-cache.ts';

describe('response cache', () => {
  let app: FastifyInstance;
  let stamp = 1;
  let made = 0;
  const policy: CachePolicy = {
    vary: (request) => (request.headers['x-personal'] ? null : 'everyone'),
    stamp: async () => String(stamp),
  };
  const config = { responseCache: policy };

  beforeAll(async () => {
    app = Fastify();
    await app.register(cookie);
    await app.register(fp(responseCachePlugin), { maxBytes: 1024 * 1024 });
    app.get('/page', { config }, async (_request, reply) =>
      reply.type('text/html').send(`<p>made ${++made}</p>`),
    );
    app.get('/cookie', { config }, async (_request, reply) =>
      reply.setCookie('seed', 'x').type('text/html').send(`<p>made ${++made}</p>`),
    );
    app.get('/form', { config }, async (_request, reply) =>
      reply.type('text/html').send(`<input name="_csrf" value="t${++made}">`),
    );
    app.get('/missing', { config }, async (_request, reply) =>
      reply.code(404).send({ made: ++made }),
    );
    app.get('/unkept', async () => ({ made: ++made }));
    await app.ready();
  });
  afterAll(async () => app?.close());

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

  it('serves an answer again while the stamp holds, and makes it afresh when it moves', async () => {
    const first = await get('/page');
    expect(first.headers['x-cache']).toBe('miss');
    const second = await get('/page');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    stamp += 1;
    const third = await get('/page');
    expect(third.headers['x-cache']).toBe('miss');
    expect(third.body).not.toBe(first.body);
    // Each query string is an answer of its own.
    expect((await get('/page?x=1')).headers['x-cache']).toBe('miss');
  });

  it('never keeps an answer that sets a cookie, carries a CSRF token or is not a 200', async () => {
    for (const url of ['/cookie', '/form', '/missing']) {
      await get(url);
      const again = await get(url);
      expect(again.headers['x-cache'], url).toBe('miss');
    }
  });

  it('leaves alone what the policy calls personal, and routes without a policy', async () => {
    await get('/page');
    const personal = await get('/page', { 'x-personal': '1' });
    expect(personal.headers['x-cache']).toBeUndefined();
    expect(personal.body).toBe(`<p>made ${made}</p>`);
    await get('/unkept');
    expect((await get('/unkept')).headers['x-cache']).toBeUndefined();
  });
});

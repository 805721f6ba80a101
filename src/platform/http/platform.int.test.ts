import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';

describe.each(databaseKinds())('platform HTTP on %s', (kind) => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv(kind);
  });
  afterAll(async () => env?.close());

  it('answers health and readiness naming the database', async () => {
    const health = await env.app.inject('/healthz');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', database: kind });
    const ready = await env.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: kind });
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const response = await env.app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/reference/countries');
    const docs = await env.app.inject('/docs/');
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('answers an unknown API route with problem JSON and an unknown page with an HTML page', async () => {
    const api = await env.app.inject('/api/v1/nothing-here');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api.json()).toMatchObject({ status: 404, title: 'Not found', errors: [] });
    const page = await env.app.inject({ url: '/nothing-here', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<h1>Page not found</h1>');
  });

  it('names unknown query parameters in a 400', async () => {
    const response = await env.app.inject('/api/v1/reference/countries?regoin=africa');
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toBe('Unknown query parameter: regoin.');
  });

  it('answers malformed JSON with 400 and an oversized body with 413, never 500', async () => {
    const malformed = await env.app.inject({
      method: 'POST',
      url: '/api/v1/reference/countries',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      payload: '{"a":',
    });
    expect([400, 404, 405]).toContain(malformed.statusCode);
    const big = await env.app.inject({
      method: 'POST',
      url: '/healthz',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      payload: JSON.stringify({ x: 'a'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().status).toBe(413);
  });

  it('sets security headers with a strict Content-Security-Policy', async () => {
    const response = await env.app.inject({ url: '/', headers: { accept: 'text/html' } });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('compresses and tags responses for caching', async () => {
    const response = await env.app.inject({
      url: '/api/v1/reference/countries',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(response.rawPayload).toString());
    expect(body.total).toBe(249);
    const etag = response.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await env.app.inject({
      url: '/api/v1/reference/countries',
      headers: { 'if-none-match': etag, 'accept-encoding': 'gzip' },
    });
    expect(again.statusCode).toBe(304);
  });

  it('keeps the request id it was given', async () => {
    const response = await env.app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123');
  });

  it('serves every page under a locale prefix with lang and dir', async () => {
    const ar = await env.app.inject({ url: '/ar/', headers: { accept: 'text/html' } });
    expect(ar.statusCode).toBe(200);
    expect(ar.body).toMatch(/<html lang="ar" dir="rtl">/);
    const fr = await env.app.inject({ url: '/fr', headers: { accept: 'text/html' } });
    expect(fr.body).toMatch(/<html lang="fr" dir="ltr">/);
    const negotiated = await env.app.inject({
      url: '/',
      headers: { accept: 'text/html', 'accept-language': 'ru-RU,ru;q=0.9' },
    });
    expect(negotiated.body).toMatch(/<html lang="ru"/);
  });

  it('lists reference data: 249 countries, 193 UN members in five groups, languages, taxonomies', async () => {
    const countries = (await env.app.inject('/api/v1/reference/countries')).json();
    expect(countries.total).toBe(249);
    const members = countries.items.filter((c: { unMember: boolean }) => c.unMember);
    expect(members).toHaveLength(193);
    expect(new Set(members.map((c: { unGroup: string }) => c.unGroup))).toEqual(
      new Set(['african', 'asia-pacific', 'eastern-european', 'latin-american-caribbean', 'weog']),
    );
    const ghana = countries.items.find((c: { iso2: string }) => c.iso2 === 'GH');
    expect(ghana).toMatchObject({
      region: 'africa',
      subRegion: 'sub-saharan-africa',
      unGroup: 'african',
    });
    const african = (await env.app.inject('/api/v1/reference/countries?unGroup=african')).json();
    expect(african.total).toBe(54);
    const languages = (await env.app.inject('/api/v1/reference/languages')).json();
    expect(languages.items.find((l: { code: string }) => l.code === 'ar')).toMatchObject({
      dir: 'rtl',
    });
    const taxonomies = (await env.app.inject('/api/v1/reference/taxonomies')).json();
    expect(taxonomies.theme).toHaveLength(10);
    expect(taxonomies.ggeNorm).toHaveLength(11);
    expect(taxonomies.stakeholderGroup.map((t: { code: string }) => t.code)).toContain(
      'technical-community',
    );
  });
});

/**
 * Hostile input over every route: generated path parameters, query strings, bodies and headers,
 * as an anonymous visitor and as a signed-in site admin (past CSRF, so that validation and the
 * services themselves are reached). No answer may be a 5xx, and none may carry a stack trace.
 * FUZZ_RUNS cases per route (CI runs 1,000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestEnv, type TestAgent, type TestEnv } from '../helpers/app.ts';
import { createTestUser, signedInAgent } from '../helpers/auth.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const STACK = /\bat [\w.<>]+ \(|node:internal|\/src\/[\w/-]+\.tsx?:\d+|Error: .*\n\s+at /;

interface Route {
  method: string;
  url: string;
  schema?: {
    querystring?: { properties?: Record<string, unknown> };
    body?: { properties?: Record<string, unknown> };
  };
}

// Long-lived streams never end under inject; they are fuzzed through their POST siblings.
const skip = (route: Route) => /\/events$/.test(route.url) && route.url.includes('/live/');

const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    '%00',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '\u202e\u0000\uffff',
    'x'.repeat(5000),
    '00000000-0000-0000-0000-000000000000',
    '2026-02-30',
    '9999-12-31T99:99:99Z',
    'ar',
    'zh-Hans',
  ),
  fc.uuid(),
  fc.integer().map(String),
);

const jsonValue = fc.oneof(
  nasty,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nasty, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), nasty, { maxKeys: 3 }),
);

function fillPath(url: string, values: string[]): string {
  let i = 0;
  return url.replace(/:(\w+)|\*/g, () =>
    encodeURIComponent(values[i++ % Math.max(1, values.length)] ?? 'x'),
  );
}

const requestArb = (route: Route) => {
  const queryKeys = Object.keys(route.schema?.querystring?.properties ?? {});
  const bodyKeys = Object.keys(route.schema?.body?.properties ?? {});
  // Mostly well-named fields with hostile values (they reach the handlers), sometimes unknown
  // names (they must be refused cleanly).
  const fields = <T>(known: string[], value: fc.Arbitrary<T>, maxKeys: number) =>
    known.length
      ? fc.oneof(
          {
            weight: 4,
            arbitrary: fc.dictionary(fc.constantFrom(...known), value, {
              maxKeys: Math.min(maxKeys, known.length),
            }),
          },
          { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys }) },
        )
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant({} as Record<string, T>) },
          { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), value, { maxKeys }) },
        );
  return fc.record({
    path: fc.array(nasty, { minLength: 1, maxLength: 3 }),
    query: fields(
      queryKeys,
      fc.oneof(
        { weight: 5, arbitrary: nasty },
        { weight: 1, arbitrary: fc.array(nasty, { maxLength: 3 }) },
      ),
      5,
    ),
    body: fc.oneof(
      { weight: 4, arbitrary: fields(bodyKeys, jsonValue, 8) },
      { weight: 1, arbitrary: jsonValue },
    ),
    encoding: fc.constantFrom('json', 'form', 'text', 'garbage-json'),
    acceptLanguage: fc.oneof(fc.constant(undefined), nasty),
    accept: fc.constantFrom(
      'application/json',
      'text/html',
      '*/*',
      'application/problem+json',
      'image/png',
    ),
  });
};

function encode(body: unknown, encoding: string): { payload: string; type: string } {
  switch (encoding) {
    case 'form': {
      const params = new URLSearchParams();
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        for (const [k, v] of Object.entries(body))
          for (const item of [v].flat())
            params.append(k, typeof item === 'string' ? item : JSON.stringify(item));
      }
      return { payload: params.toString(), type: 'application/x-www-form-urlencoded' };
    }
    case 'text':
      return { payload: String(JSON.stringify(body)).slice(0, 200), type: 'text/plain' };
    case 'garbage-json':
      return { payload: `${JSON.stringify(body)}}{`, type: 'application/json' };
    default:
      return { payload: JSON.stringify(body), type: 'application/json' };
  }
}

describe('hostile input on every route (pglite)', () => {
  let env: TestEnv;
  let admin: TestAgent;
  let routes: Route[];

  beforeAll(async () => {
    env = await createTestEnv('pglite');
    const user = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
    admin = await signedInAgent(env, user);
    await admin.get('/');
    routes = (env.app.routeList as Route[]).filter((r) => !skip(r));
  });
  afterAll(async () => env?.close());

  it('covers the routes', () => {
    expect(routes.length).toBeGreaterThan(5);
  });

  it(`never answers 5xx nor leaks a stack trace (${RUNS} cases per route)`, async () => {
    const failures: string[] = [];
    for (const route of routes) {
      await fc
        .assert(
          fc.asyncProperty(requestArb(route), fc.boolean(), async (req, asAdmin) => {
            const search = new URLSearchParams();
            for (const [k, v] of Object.entries(req.query))
              for (const item of [v].flat()) search.append(k, item);
            const url = `${fillPath(route.url, req.path)}${search.size ? `?${search}` : ''}`;
            const hasBody = !['GET', 'DELETE'].includes(route.method);
            const { payload, type } = encode(req.body, req.encoding);
            const headers: Record<string, string> = { accept: req.accept };
            if (req.acceptLanguage !== undefined)
              headers['accept-language'] = req.acceptLanguage.replace(/[^\t\x20-\x7e]/g, '');
            if (hasBody) headers['content-type'] = type;
            const response = asAdmin
              ? await admin.request(route.method, url, {
                  headers: { ...headers, ...(admin.csrf ? { 'x-csrf-token': admin.csrf } : {}) },
                  ...(hasBody ? { payload } : {}),
                })
              : await env.app.inject({
                  method: route.method as never,
                  url,
                  headers,
                  ...(hasBody ? { payload } : {}),
                });
            if (response.statusCode >= 500 || STACK.test(response.body)) {
              failures.push(
                `${route.method} ${url} (${asAdmin ? 'admin' : 'anonymous'}, ${req.encoding}) → ${response.statusCode}: ${response.body.slice(0, 300)}`,
              );
              return false;
            }
            return true;
          }),
          { numRuns: RUNS, endOnFailure: true },
        )
        .catch(() => {});
    }
    expect(failures).toEqual([]);
  }, 3_600_000);
});

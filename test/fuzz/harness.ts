/**
 * Hostile input over every route: generated path parameters, query strings, bodies and headers,
 * as an anonymous visitor, as an anonymous visitor holding a valid CSRF token (so that anonymous
 * form handlers are reached past CSRF), and as a signed-in site admin (past CSRF, so that
 * validation and the services themselves are reached). No answer may be a 5xx, and none may
 * carry a stack trace. FUZZ_RUNS cases per route (CI runs 1,000); `routes-{1..4}.int.test.ts`
 * each take a quarter of the routes.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../src/platform/clock.ts';
import { createTestEnv, TestAgent, type TestEnv } from '../helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../helpers/auth.ts';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
/** The route list is shared out over this many test files, which vitest runs side by side. */
export const PARTS = 4;
const STACK = /\bat [\w.<>]+ \(|node:internal|\/src\/[\w/-]+\.tsx?:\d+|Error: .*\n\s+at /;

export interface Route {
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

type Client = 'anonymous' | 'anonymous-csrf' | 'admin';

/**
 * Routes that may end the admin's session when fuzzed (signing out, ending sessions, changing the
 * password or address). Any other route that does is a finding: the admin would silently be
 * fuzzing as an anonymous visitor from then on.
 */
const ENDS_SESSION =
  /^\/(sign-out|account\/sessions\/end(-all)?|account\/delete|account\/email\/confirm)$/;

/** Every fuzzed route, in a stable order, and the share of part `part`. */
export function routesOf(env: TestEnv, part: number): { all: Route[]; mine: Route[] } {
  const all = (env.app.routeList as Route[])
    .filter((r) => !skip(r))
    .sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
  return { all, mine: all.filter((_, i) => i % PARTS === part) };
}

/** Whether `agent` still acts as a signed-in site admin. */
async function stillAdmin(agent: TestAgent): Promise<boolean> {
  const me = await agent.request('GET', '/api/v1/me', { headers: { accept: 'application/json' } });
  if (me.statusCode !== 200) return false;
  const body = me.json<{ userId: string | null; siteRolesInForce: string[] }>();
  return body.userId !== null && body.siteRolesInForce.includes('site-admin');
}

/** The property of one part: every route of its share, as each client. */
export function fuzzPart(part: number): void {
  describe(`hostile input on every route, part ${part + 1} of ${PARTS} (pglite)`, () => {
    let env: TestEnv;
    let adminUser: TestUser;
    let routes: Route[];
    let total = 0;
    // Six seconds pass between cases: rate limits (10 a minute on the auth forms, 300 in five
    // minutes on the API, counted per address and every case comes from one) refuse some cases
    // but never shut a route's whole run out of its handler.
    const clock = new ManualClock(new Date());

    beforeAll(async () => {
      env = await createTestEnv('pglite', { clock });
      adminUser = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
      const { all, mine } = routesOf(env, part);
      total = all.length;
      routes = mine;
    });
    afterAll(async () => env?.close());

    it('takes its share of the routes, and the parts take them all', () => {
      expect(total).toBeGreaterThan(300);
      expect(routes.length).toBe(Math.ceil((total - part) / PARTS));
    });

    it(`never answers 5xx nor leaks a stack trace (${RUNS} cases per route)`, async () => {
      const failures: string[] = [];
      const signedOutBy: string[] = [];
      for (const route of routes) {
        // A fresh session per route: what one route does to the admin's session (or, with a
        // generated body, to the admin) cannot spill into the next.
        let admin = await signedInAgent(env, adminUser);
        await admin.get('/');
        if (!(await stillAdmin(admin))) {
          adminUser = await createTestUser(env, [{ role: 'site-admin', scopeType: 'site' }]);
          admin = await signedInAgent(env, adminUser);
          await admin.get('/');
        }
        const visitor = new TestAgent(env.app);
        await visitor.get('/sign-in');
        expect(visitor.csrf, 'an anonymous visitor gets a CSRF token').toBeTruthy();
        await fc
          .assert(
            fc.asyncProperty(
              requestArb(route),
              fc.constantFrom<Client>('anonymous', 'anonymous-csrf', 'admin'),
              async (req, client) => {
                clock.advance(6_000);
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
                const agent =
                  client === 'admin' ? admin : client === 'anonymous-csrf' ? visitor : null;
                const response = agent
                  ? await agent.request(route.method, url, {
                      headers: {
                        ...headers,
                        ...(agent.csrf ? { 'x-csrf-token': agent.csrf } : {}),
                      },
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
                    `${route.method} ${url} (${client}, ${req.encoding}) → ${response.statusCode}: ${response.body.slice(0, 300)}`,
                  );
                  return false;
                }
                return true;
              },
            ),
            { numRuns: RUNS, endOnFailure: true },
          )
          .catch(() => {});
        if (!(await stillAdmin(admin)) && !ENDS_SESSION.test(route.url))
          signedOutBy.push(`${route.method} ${route.url}`);
      }
      expect(failures).toEqual([]);
      expect(signedOutBy, 'routes that ended the admin session unexpectedly').toEqual([]);
    }, 3_600_000);
  });
}

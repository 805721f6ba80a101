import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { rawHeader, startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp.ts';
import {
  askedAs,
  createWidgetsTable,
  putWidget,
  widgetsModule,
} from '../../../test/fixtures/widgets-module.ts';
import { ManualClock } from '../../platform/clock.ts';
import type { Deps } from '../../platform/context.ts';
import { collectJobs, enqueueJob, JobRunner, JOB_DEFAULTS } from '../../platform/jobs.ts';
import type { Mailer } from '../../platform/mailer.ts';
import { MODULES } from '../registry.ts';
import { awarenessModule, DIGEST_JOB, registerExtension, saveSearch } from './index.ts';

const BASE = 'https://commons.example';
const HOUR = 60 * 60 * 1000;

describe.each(databaseKinds())('alert digests on %s', (kind) => {
  let env: TestEnv;
  let sink: SmtpSink;
  let unregister: () => void;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z')); // a Monday
  const digestOnly = () => ({
    handlers: { [DIGEST_JOB]: awarenessModule.jobs![DIGEST_JOB]! },
    schedules: [],
  });

  /** Enqueues the digest job now and runs what is due with `deps`. */
  async function runDigests(deps: Deps = env.deps) {
    await enqueueJob(env.deps.db, clock.now(), DIGEST_JOB);
    return new JobRunner(deps, digestOnly()).runDue();
  }

  async function save(user: TestUser, query: string, frequency: string, locale = 'en') {
    return saveSearch({ ...env.ctx(user.actor), locale }, { kind: 'widgets', query, frequency });
  }

  const mailsTo = (user: TestUser) =>
    sink.messages.filter((m) => m.to && JSON.stringify(m.to).includes(user.email));

  beforeAll(async () => {
    sink = await startSmtpSink();
    env = await createTestEnv(kind, { clock, smtpUrl: sink.url, config: { baseUrl: BASE } });
    await createWidgetsTable(env.deps.db);
    unregister = registerExtension(widgetsModule);
  });
  afterAll(async () => {
    unregister?.();
    await env?.close();
    await sink?.close();
  });

  it('registers the digest job on an hourly schedule', () => {
    const registry = collectJobs(MODULES);
    expect(registry.handlers[DIGEST_JOB]).toBeTypeOf('function');
    expect(registry.schedules).toContainEqual({ job: DIGEST_JOB, every: '1h' });
  });

  let alice: TestUser;
  let bruno: TestUser;
  let chen: TestUser;

  it('emails each daily alert what is new since the last one, over SMTP, once per day', async () => {
    alice = await createTestUser(env, [], 'Alice Example');
    bruno = await createTestUser(env, [], 'Bruno Exemple');
    chen = await createTestUser(env, [], 'Chen Example');
    await save(alice, 'tag=norms', 'daily');
    await save(bruno, 'tag=norms&page=3', 'weekly', 'fr');
    await save(chen, 'tag=cbm', 'daily');

    // Nothing is sent for the day the searches were saved.
    expect((await runDigests()).done).toBe(1);
    expect(sink.messages).toHaveLength(0);

    clock.advance(HOUR);
    await putWidget(env.deps.db, {
      slug: 'norms-guide',
      title: 'A guide to the eleven norms',
      summary: 'How states report on the 2015 norms.',
      tag: 'norms',
      at: clock.now(),
    });
    await putWidget(env.deps.db, {
      slug: 'cbm-toolkit',
      title: 'CBM toolkit',
      tag: 'cbm',
      at: clock.now(),
    });

    clock.set(new Date('2026-11-24T00:30:00Z'));
    const summary = await runDigests();
    expect(summary).toMatchObject({ ran: 1, done: 1 });
    await sink.waitFor(2);
    expect(mailsTo(bruno)).toHaveLength(0); // weekly: not before next week

    const [mail] = mailsTo(alice) as [ParsedMail];
    expect(mail.subject).toBe('1 new or updated result for “Widgets: tag: norms”');
    expect(mail.text).toContain('A guide to the eleven norms');
    expect(mail.text).toContain(`${BASE}/en/widgets/norms-guide`);
    expect(mail.text).not.toContain('CBM toolkit');
    expect(mail.text).toContain(`${BASE}/en/widgets?tag=norms`);
    expect(mail.html).toContain(`href="${BASE}/en/widgets/norms-guide"`);
    // RFC 8058 one-click unsubscribe.
    expect(rawHeader(mail, 'List-Unsubscribe')).toMatch(
      new RegExp(`^<${BASE}/en/alerts/unsubscribe/[0-9a-f-]{36}\\.[\\w-]{43}>$`),
    );
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(rawHeader(mail, 'Content-Language')).toBe('en');
    expect(mailsTo(chen)[0]?.text).toContain('CBM toolkit');
    // The system sends digests, but asks for what is new as the public would see it.
    expect(askedAs.length).toBeGreaterThan(0);
    expect(new Set(askedAs)).toEqual(new Set(['anonymous']));

    // Run again the same day: nothing more.
    await runDigests();
    clock.advance(3 * HOUR);
    await runDigests();
    expect(sink.messages).toHaveLength(2);
  });

  it('sends the next day only what changed since, and nothing when nothing changed', async () => {
    clock.set(new Date('2026-11-24T10:00:00Z'));
    await putWidget(env.deps.db, {
      slug: 'norms-report',
      title: 'Norms report 2026',
      tag: 'norms',
      at: clock.now(),
    });
    clock.set(new Date('2026-11-25T00:10:00Z'));
    await runDigests();
    await sink.waitFor(3);
    const latest = mailsTo(alice).at(-1)!;
    expect(latest.text).toContain('Norms report 2026');
    expect(latest.text).not.toContain('A guide to the eleven norms');
    expect(mailsTo(chen)).toHaveLength(1); // no change for "cbm": no empty mail
    const row = await env.deps.db
      .selectFrom('digest_deliveries')
      .innerJoin('saved_searches', 'saved_searches.id', 'digest_deliveries.saved_search_id')
      .select(['digest_deliveries.item_count', 'digest_deliveries.mail_id'])
      .where('saved_searches.user_id', '=', chen.id)
      .where('digest_deliveries.period', '=', '2026-11-25')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ item_count: 0, mail_id: null });
  });

  it('sends weekly digests in the reader’s language, with links into it', async () => {
    clock.set(new Date('2026-11-30T00:20:00Z')); // Monday of ISO week 49
    await runDigests();
    await sink.waitFor(4);
    const [mail] = mailsTo(bruno) as [ParsedMail];
    expect(mail.text).toContain('A guide to the eleven norms');
    expect(mail.text).toContain('Norms report 2026');
    expect(mail.text).toContain(`${BASE}/fr/widgets/norms-guide`);
    expect(mail.text).toContain(`${BASE}/fr/widgets?tag=norms`);
    expect(mail.text).toContain('23 novembre 2026'); // "since" in French
    expect(mail.html).toContain('lang="fr"');
    expect(rawHeader(mail, 'Content-Language')).toBe('fr');
    expect(rawHeader(mail, 'List-Unsubscribe')).toContain(`${BASE}/fr/alerts/unsubscribe/`);
  });

  it('unsubscribes in one click through the mail’s List-Unsubscribe URL, without a session', async () => {
    const mail = mailsTo(alice)[0]!;
    const url = new URL(rawHeader(mail, 'List-Unsubscribe')!.replace(/^<|>$/g, ''));
    // A forged token is refused.
    const forged = await env.app.inject({
      method: 'POST',
      url: url.pathname.replace(/\.[\w-]+$/, `.${'A'.repeat(43)}`),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(forged.statusCode).toBe(404);

    const page = await env.app.inject({ url: url.pathname, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Widgets: tag: norms');
    expect(page.body).toContain('Stop these emails');

    const oneClick = await env.app.inject({
      method: 'POST',
      url: url.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    // Mail providers may also post multipart/form-data; again is harmless.
    const again = await env.app.inject({
      method: 'POST',
      url: url.pathname,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload:
        '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    });
    expect(again.statusCode).toBe(200);
    const done = await env.app.inject({ url: url.pathname, headers: { accept: 'text/html' } });
    expect(done.body).toContain('You are unsubscribed');

    clock.set(new Date('2026-12-01T00:10:00Z'));
    await putWidget(env.deps.db, {
      slug: 'norms-news',
      title: 'Norms news',
      tag: 'norms',
      at: clock.now(),
    });
    clock.set(new Date('2026-12-02T00:10:00Z'));
    const before = mailsTo(alice).length;
    await runDigests();
    expect(mailsTo(alice)).toHaveLength(before);

    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'saved-search.unsubscribe')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('the confirmation page’s button unsubscribes and redirects (POST → redirect → GET)', async () => {
    const mail = mailsTo(chen)[0]!;
    const path = new URL(rawHeader(mail, 'List-Unsubscribe')!.replace(/^<|>$/g, '')).pathname;
    const response = await env.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'confirm=1',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${path}?done=1`);
  });

  describe('a digest job killed half-way', () => {
    const people: TestUser[] = [];

    /** A mailer that delivers for real, then freezes the worker for good, as a killed process. */
    function freezingMailer(when: 'after-first-delivery' | 'before-first-delivery'): Mailer {
      const real = env.deps.mailer;
      return {
        transport: real.transport,
        queue: (executor, message) => real.queue(executor, message),
        close: () => {},
        async deliverPending(db, limit) {
          if (when === 'before-first-delivery') return new Promise(() => {});
          const result = await real.deliverPending(db, limit);
          if (result.sent > 0) return new Promise(() => {});
          return result;
        },
      };
    }

    async function scenario(tag: string, when: 'after-first-delivery' | 'before-first-delivery') {
      const group: TestUser[] = [];
      for (let i = 0; i < 3; i++) {
        const user = await createTestUser(env, [], `Reader ${tag} ${i}`);
        await save(user, `tag=${tag}`, 'daily');
        group.push(user);
        people.push(user);
      }
      clock.advance(HOUR);
      await putWidget(env.deps.db, {
        slug: `${tag}-item`,
        title: `New ${tag} item`,
        tag,
        at: clock.now(),
      });
      clock.set(
        new Date(Math.ceil((clock.now().getTime() + 1) / (24 * HOUR)) * 24 * HOUR + 5 * 60_000),
      );
      const before = sink.messages.length;

      await enqueueJob(env.deps.db, clock.now(), DIGEST_JOB);
      const frozen = new JobRunner({ ...env.deps, mailer: freezingMailer(when) }, digestOnly(), {
        workerId: 'frozen',
      });
      const job = (await frozen.claim())!;
      void frozen.execute(job); // never finishes
      // Let the frozen worker get as far as it gets.
      if (when === 'after-first-delivery') await sink.waitFor(before + 1);
      else {
        for (let i = 0; i < 100; i++) {
          const queued = await env.deps.db
            .selectFrom('mail_outbox')
            .select('id')
            .where('category', '=', 'digest')
            .where('status', '=', 'pending')
            .execute();
          if (queued.length > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      // Its lease runs out; another worker takes the job over and finishes it.
      clock.advance(JOB_DEFAULTS.leaseMs + 1000);
      const summary = await new JobRunner(env.deps, digestOnly(), { workerId: 'rescuer' }).runDue();
      expect(summary).toMatchObject({ ran: 1, done: 1 });
      await sink.waitFor(before + 3);
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would have arrived by now
      for (const user of group) {
        const mails = mailsTo(user);
        expect(mails, user.email).toHaveLength(1);
        expect(mails[0]!.text).toContain(`New ${tag} item`);
      }
      expect(sink.messages.length).toBe(before + 3);
      const job2 = await env.deps.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      expect(job2).toEqual({ status: 'done', attempts: 2 });
    }

    it('after its first mail went out: the rerun sends the others, and that one not again', async () => {
      await scenario('crash-a', 'after-first-delivery');
    });

    it('between queueing a mail and delivering it: the rerun delivers it once', async () => {
      await scenario('crash-b', 'before-first-delivery');
    });
  });
});

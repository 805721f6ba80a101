import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { HTML_AS_PDF, PDF, PNG, multipart } from '../../../test/helpers/multipart.ts';
import { ManualClock } from '../../platform/clock.ts';
import { ANONYMOUS } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  createThread,
  discussionsModule,
  erasePersonalData,
  follow,
  getDiscussion,
  listDiscussions,
  moderate,
  moderationLog,
  moderationQueue,
  flagPost,
  personalData,
  reply,
  setSlowMode,
} from './index.ts';
import { notifyPost } from './notify.service.ts';

const HOSTILE = [
  'Hello <script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '[click me](javascript:window.__pwned=3)',
  '<a href="https://example.org" onclick="window.__pwned=4">ok</a>',
  '<iframe src="https://example.org"></iframe><svg onload="window.__pwned=5"></svg>',
].join('\n\n');

describe.each(databaseKinds())('discussions on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  let author: TestUser;
  let reader: TestUser;
  let moderator: TestUser;

  async function mailsTo(email: string) {
    return env.deps.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body', 'headers'])
      .where('to_address', '=', email)
      .execute();
  }

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    author = await createTestUser(env, [], 'Awa Author');
    reader = await createTestUser(env, [], 'Rui Reader');
    moderator = await createTestUser(
      env,
      [{ role: 'moderator', scopeType: 'site' }],
      'Mo Moderator',
    );
  });
  afterAll(async () => env?.close());
  // Each test starts after the per-member rate limits of the previous one have passed.
  beforeEach(() => clock.advance(61 * 60_000));

  const thread = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    body: `Opening of ${title}`,
    language: 'en',
    themes: ['cybercrime'],
    region: 'western-africa',
    ...extra,
  });

  it('stores sanitised HTML: no scripts, no event handlers, no javascript: links', async () => {
    const { id } = await createThread(
      env.ctx(author.actor),
      thread('Hostile markdown', { body: HOSTILE }),
    );
    const row = await env.deps.db
      .selectFrom('discussion_posts')
      .select(['body_md', 'body_html'])
      .where('thread_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.body_md).toContain('<script>');
    expect(row.body_html).not.toMatch(/<script|<iframe|<svg|<img/i);
    expect(row.body_html).not.toMatch(/\bon\w+\s*=/i);
    expect(row.body_html).not.toMatch(/javascript:/i);
    expect(row.body_html).toContain('rel="nofollow ugc noopener"');
    const page = await new TestAgent(env.app).get(`/discussions/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/onerror=|onclick=|onload=|javascript:/i);
  });

  it('refuses bad input with a message per field', async () => {
    const error = (await createThread(env.ctx(author.actor), {
      title: 'abc',
      body: '   ',
      language: 'xx',
      themes: ['cybercrime'],
      region: 'atlantis',
      groupId: '0190f0f0-0000-7000-8000-000000000000',
      link: { kind: 'resource', ref: 'x', path: 'https://evil.example/' },
    }).catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    const byPath = Object.fromEntries(error.errors.map((e) => [e.path, e.message]));
    expect(byPath['/title']).toMatch(/at least 5 characters/);
    expect(byPath['/body']).toMatch(/opening message/);
    expect(byPath['/language']).toMatch(/language/);
    expect(byPath['/region']).toMatch(/region/);
    expect(byPath['/groupId']).toMatch(/groups you belong to/);
    expect(byPath['/link']).toMatch(/path on this site/);
    await expect(createThread(env.ctx(ANONYMOUS), thread('Anonymous try'))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('notifies once per event per person, however many reasons they have', async () => {
    const { id } = await createThread(env.ctx(author.actor), thread('Notify once'));
    // The reader follows the thread, its theme and its region (and a region containing it)…
    for (const [type, target] of [
      ['thread', id],
      ['theme', 'cybercrime'],
      ['region', 'western-africa'],
      ['region', 'africa'],
    ] as const)
      await follow(env.ctx(reader.actor), type, target);
    const handle = (
      await env.deps.db
        .selectFrom('discussion_preferences')
        .select('handle')
        .where('user_id', '=', reader.id)
        .executeTakeFirstOrThrow()
    ).handle;
    const before = (await mailsTo(reader.email)).length;
    // …and is mentioned twice in one post.
    clock.advance(60_000);
    const post = await reply(env.ctx(author.actor), id, {
      body: `Dear @${handle}, see above. Again: @${handle}.`,
    });
    const mails = (await mailsTo(reader.email)).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/mentioned you/);
    expect(mails[0]!.text_body).toContain(`/discussions/${id}#post-${post.id}`);
    // The author is not told of their own post.
    expect(
      (await mailsTo(author.email)).filter((m) => m.subject.includes('Notify once')),
    ).toHaveLength(0);
    // Running the notification of the same event again sends nothing more.
    const again = await env.deps.db.transaction().execute((trx) =>
      notifyPost(trx, env.ctx(author.actor), {
        eventId: post.id,
        thread: {
          id,
          title: 'Notify once',
          groupId: null,
          themes: ['cybercrime'],
          regionPath: ['western-africa', 'africa'],
        },
        postId: post.id,
        authorId: author.id,
        authorName: 'Awa Author',
        mentions: [handle],
        excerpt: 'x',
        isOpening: false,
      }),
    );
    expect(again).toBe(0);
    expect((await mailsTo(reader.email)).slice(before)).toHaveLength(1);
    const ledger = await env.deps.db
      .selectFrom('discussion_notifications')
      .selectAll()
      .where('event_id', '=', post.id)
      .execute();
    expect(ledger.map((l) => [l.user_id, l.kind])).toEqual([[reader.id, 'mention']]);
    // A second post is a second event: one more notice.
    clock.advance(60_000);
    await reply(env.ctx(author.actor), id, { body: 'A plain follow-up.' });
    const after = (await mailsTo(reader.email)).slice(before);
    expect(after).toHaveLength(2);
    expect(after[1]!.subject).toMatch(/New reply/);
  });

  it('quotes a post of the same thread only', async () => {
    const a = await createThread(env.ctx(author.actor), thread('Quote source'));
    const b = await createThread(env.ctx(author.actor), thread('Other thread'));
    clock.advance(60_000);
    const quoted = await reply(env.ctx(reader.actor), a.id, { body: 'I agree', quoteOf: a.postId });
    const detail = await getDiscussion(env.ctx(reader.actor), a.id);
    expect(detail.posts.find((p) => p.id === quoted.id)?.quoteOf).toBe(a.postId);
    clock.advance(60_000);
    await expect(
      reply(env.ctx(reader.actor), a.id, { body: 'Nope', quoteOf: b.postId }),
    ).rejects.toMatchObject({ code: 'validation' });
  });

  it('enforces slow mode per thread and rate limits per member', async () => {
    const { id } = await createThread(env.ctx(author.actor), thread('Slow thread'));
    await expect(
      setSlowMode(env.ctx(reader.actor), id, { seconds: 60, reason: 'heated' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await setSlowMode(env.ctx(moderator.actor), id, { seconds: 60, reason: 'Heated exchange' });
    clock.advance(120_000);
    await reply(env.ctx(reader.actor), id, { body: 'first' });
    const slow = (await reply(env.ctx(reader.actor), id, { body: 'second' }).catch(
      (e) => e,
    )) as AppError;
    expect(slow.code).toBe('rate_limited');
    expect(slow.message).toMatch(/slow mode/);
    expect(Number(slow.headers['retry-after'])).toBe(60);
    // Moderators are not slowed down.
    await reply(env.ctx(moderator.actor), id, { body: 'mod 1' });
    await reply(env.ctx(moderator.actor), id, { body: 'mod 2' });
    clock.advance(61_000);
    await reply(env.ctx(reader.actor), id, { body: 'third, after the wait' });
    // Ten posts in ten minutes, then the member must wait.
    const busy = await createTestUser(env, [], 'Busy Bee');
    const { id: open } = await createThread(env.ctx(busy.actor), thread('Busy thread'));
    for (let i = 0; i < 9; i++) await reply(env.ctx(busy.actor), open, { body: `post ${i}` });
    const limited = (await reply(env.ctx(busy.actor), open, { body: 'one too many' }).catch(
      (e) => e,
    )) as AppError;
    expect(limited.code).toBe('rate_limited');
    clock.advance(10 * 60_000);
    await reply(env.ctx(busy.actor), open, { body: 'later' });
  });

  it('moderates: flag, queue, hide with the reason shown to the author, restore, audited log', async () => {
    const { id } = await createThread(env.ctx(author.actor), thread('Moderated thread'));
    clock.advance(60_000);
    const bad = await reply(env.ctx(author.actor), id, { body: 'buy cheap watches' });
    expect(await flagPost(env.ctx(reader.actor), id, bad.id, { reason: 'spam', note: '' })).toEqual(
      { created: true },
    );
    expect(await flagPost(env.ctx(reader.actor), id, bad.id, { reason: 'spam', note: '' })).toEqual(
      { created: false },
    );
    await expect(
      flagPost(env.ctx(reader.actor), id, bad.id, { reason: 'other', note: '' }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(moderationQueue(env.ctx(reader.actor))).rejects.toMatchObject({
      code: 'forbidden',
    });
    const queue = await moderationQueue(env.ctx(moderator.actor));
    expect(queue.map((f) => f.postId)).toContain(bad.id);
    const mailsBefore = (await mailsTo(author.email)).length;
    await moderate(env.ctx(moderator.actor), 'hide-post', id, bad.id, {
      reason: 'Advertising is not allowed here',
    });
    // The author sees the post and the reason; others see a placeholder.
    const own = await getDiscussion(env.ctx(author.actor), id);
    const ownPost = own.posts.find((p) => p.id === bad.id)!;
    expect(ownPost.html).toContain('buy cheap watches');
    expect(ownPost.hiddenReason).toBe('Advertising is not allowed here');
    const other = await getDiscussion(env.ctx(reader.actor), id);
    const otherPost = other.posts.find((p) => p.id === bad.id)!;
    expect(otherPost.html).toBeNull();
    expect(otherPost.hiddenReason).toBeNull();
    const page = await (await signedInAgent(env, author)).get(`/discussions/${id}`);
    expect(page.body).toContain('Reason given: Advertising is not allowed here');
    const mails = (await mailsTo(author.email)).slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text_body).toContain('Advertising is not allowed here');
    expect((await moderationQueue(env.ctx(moderator.actor))).map((f) => f.postId)).not.toContain(
      bad.id,
    );
    await moderate(env.ctx(moderator.actor), 'restore-post', id, bad.id, { reason: 'On appeal' });
    await moderate(env.ctx(moderator.actor), 'hide-thread', id, null, {
      reason: 'Off topic for the platform',
    });
    expect((await listDiscussions(env.ctx(reader.actor), { q: 'Moderated' })).total).toBe(0);
    expect((await listDiscussions(env.ctx(author.actor), { q: 'Moderated' })).total).toBe(1);
    await expect(reply(env.ctx(author.actor), id, { body: 'still here?' })).rejects.toMatchObject({
      code: 'conflict',
    });
    const log = await moderationLog(env.ctx(moderator.actor), { threadId: id });
    expect(log.map((e) => e.action)).toEqual(['hide-thread', 'restore-post', 'hide-post']);
    expect(log.every((e) => e.moderator === 'Mo Moderator' && e.reason.length > 0)).toBe(true);
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'discussion.%-%')
      .where('actor_id', '=', moderator.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'discussion.hide-post',
        'discussion.restore-post',
        'discussion.hide-thread',
      ]),
    );
    await expect(
      moderate(env.ctx(moderator.actor), 'hide-thread', id, null, { reason: 'x' }),
    ).rejects.toMatchObject({ code: 'validation' });
  });

  it('accepts attachments by their content, refuses disguised files, serves them to readers only', async () => {
    const agent = await signedInAgent(env, author);
    await agent.get('/discussions/new');
    const form = {
      _csrf: agent.csrf!,
      title: 'Attachments thread',
      body: 'See the files',
      language: 'en',
      themes: 'cybercrime',
    };
    const bad = await multipart(form, [
      { name: 'attachments', filename: 'report.pdf', data: HTML_AS_PDF, type: 'application/pdf' },
    ]);
    const refused = await agent.request('POST', '/discussions/new', {
      headers: { 'content-type': bad.contentType, accept: 'text/html' },
      payload: bad.body,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('is not a PDF, DOCX, ODT, PNG or JPEG file');
    expect(refused.body).toContain('value="Attachments thread"');
    const good = await multipart(form, [
      { name: 'attachments', filename: '../../etc/notes.pdf', data: PDF },
      { name: 'attachments', filename: 'map.png', data: PNG },
    ]);
    const created = await agent.request('POST', '/discussions/new', {
      headers: { 'content-type': good.contentType, accept: 'text/html' },
      payload: good.body,
    });
    expect(created.statusCode).toBe(303);
    const id = String(created.headers.location).split('/').pop()!;
    const detail = await getDiscussion(env.ctx(ANONYMOUS), id);
    const files = detail.posts[0]!.attachments;
    expect(files.map((f) => [f.filename, f.mediaType])).toEqual([
      ['notes.pdf', 'application/pdf'],
      ['map.png', 'image/png'],
    ]);
    const download = await new TestAgent(env.app).get(`/discussions/attachments/${files[0]!.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.rawPayload.equals(PDF)).toBe(true);
    // A multipart form without the CSRF token is refused.
    const forged = await multipart({ ...form, _csrf: 'forged' });
    const noCsrf = await agent.request('POST', '/discussions/new', {
      headers: { 'content-type': forged.contentType, accept: 'text/html' },
      payload: forged.body,
    });
    expect(noCsrf.statusCode).toBe(403);
    // Too big: more than 5 MB.
    const big = await multipart(form, [
      {
        name: 'attachments',
        filename: 'big.pdf',
        data: Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]),
      },
    ]);
    const tooBig = await agent.request('POST', '/discussions/new', {
      headers: { 'content-type': big.contentType, accept: 'text/html' },
      payload: big.body,
    });
    expect(tooBig.statusCode).toBe(422);
    expect(tooBig.body).toContain('is larger than 5 MB');
  });

  it('starts and answers discussions through the JSON API', async () => {
    const agent = await signedInAgent(env, reader);
    await agent.get('/discussions');
    const created = await agent.request('POST', '/api/v1/discussions', {
      json: {
        title: 'API thread title',
        body: 'From the API, **bold**',
        language: 'fr',
        themes: ['norms'],
      },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.posts[0].html).toContain('<strong>bold</strong>');
    expect(created.headers.location).toBe(`/api/v1/discussions/${body.id}`);
    clock.advance(60_000);
    const answered = await agent.request('POST', `/api/v1/discussions/${body.id}/replies`, {
      json: { body: 'A reply' },
    });
    expect(answered.statusCode).toBe(201);
    const unknown = await env.app.inject('/api/v1/discussions?colour=blue');
    expect(unknown.statusCode).toBe(400);
    const invalid = await agent.request('POST', '/api/v1/discussions', {
      json: { title: 'x', body: '', language: 'fr', themes: [], extra: 1 },
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['/extra', '/body', '/themes']),
    );
    const list = (await env.app.inject('/api/v1/discussions?language=fr&theme=norms')).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(body.id);
    const openapi = (await env.app.inject('/openapi.json')).json();
    for (const path of [
      '/api/v1/discussions',
      '/api/v1/discussions/{id}',
      '/api/v1/discussions/{id}/replies',
      '/api/v1/experts',
      '/api/v1/experts/{id}',
    ])
      expect(Object.keys(openapi.paths)).toContain(path);
  });

  it('filters lists by the languages a member reads, with a way to see all', async () => {
    const polyglot = await createTestUser(env, [], 'Pia Polyglot');
    const agent = await signedInAgent(env, polyglot);
    await agent.get('/discussions/preferences');
    const saved = await agent.postForm('/discussions/preferences', {
      handle: 'pia',
      languages: 'Spanish, pt',
      emailNotifications: 'yes',
    });
    expect(saved.statusCode).toBe(303);
    await createThread(env.ctx(author.actor), thread('Un hilo en español', { language: 'es' }));
    await createThread(env.ctx(author.actor), thread('A thread in English only'));
    const mine = await agent.get('/discussions');
    expect(mine.body).toContain('Un hilo en español');
    expect(mine.body).not.toContain('A thread in English only');
    expect(mine.body).toContain('Show all languages');
    const all = await agent.get('/discussions?all=1');
    expect(all.body).toContain('A thread in English only');
    const bad = await agent.postForm('/discussions/preferences', {
      handle: 'no spaces allowed',
      languages: 'Elvish',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Unknown language &quot;Elvish&quot;');
    expect(bad.body).toContain('Use 2 to 30 letters');
  });

  it('exports and erases a member’s discussion data', async () => {
    const leaver = await createTestUser(env, [], 'Lee Leaver');
    const alone = await createThread(env.ctx(leaver.actor), thread('Only mine'));
    const shared = await createThread(env.ctx(leaver.actor), thread('Shared one'));
    clock.advance(60_000);
    await reply(env.ctx(reader.actor), shared.id, { body: 'An answer from someone else' });
    const exported = await personalData(env.ctx(leaver.actor), leaver.id);
    expect(exported.discussions.threads.map((t) => t.title).sort()).toEqual([
      'Only mine',
      'Shared one',
    ]);
    await expect(personalData(env.ctx(reader.actor), leaver.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const summary = await erasePersonalData(env.ctx(leaver.actor), leaver.id);
    expect(summary).toEqual({ threadsDeleted: 1, postsErased: 1 });
    await expect(getDiscussion(env.ctx(reader.actor), alone.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    const kept = await getDiscussion(env.ctx(reader.actor), shared.id);
    expect(kept.posts[0]).toMatchObject({ erased: true, html: null, author: null });
    expect(kept.posts[1]!.html).toContain('An answer from someone else');
    expect((await personalData(env.ctx(leaver.actor), leaver.id)).discussions.posts).toEqual([]);
  });

  it('seeds demo threads, one in a private demo group', async () => {
    await discussionsModule.seedDemo!(env.ctx());
    const open = await listDiscussions(env.ctx(ANONYMOUS), { q: 'demo', pageSize: 50 });
    expect(open.items.filter((t) => t.isDemo).length).toBeGreaterThanOrEqual(5);
    expect(open.items.some((t) => t.group)).toBe(false);
    const member = await env.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'lina.haddad.demo@example.org')
      .executeTakeFirstOrThrow();
    const { actorFor } = await import('../accounts/index.ts');
    const lina = await actorFor(env.ctx(), member.id);
    const hers = await listDiscussions(env.ctx(lina), { q: 'private demo' });
    expect(hers.items.map((t) => t.group?.name)).toContain('Regional focal points (demo group)');
  });
});

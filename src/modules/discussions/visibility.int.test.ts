/**
 * Private groups and hidden content, for every role, through every route: the JSON API (lists,
 * search, filters, one thread), the pages (lists, search, thread, group pages), the Atom feed,
 * attachments, links to other items, the moderators' queue and the notices by email. Every
 * response an outsider gets is also searched for the private words: they must appear nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { PDF } from '../../../test/helpers/multipart.ts';
import { ManualClock } from '../../platform/clock.ts';
import { ANONYMOUS, type Actor } from '../../platform/context.ts';
import {
  addMember,
  createGroup,
  createThread,
  flagPost,
  follow,
  getDiscussion,
  moderate,
  moderationQueue,
  reply,
  threadsLinkedTo,
} from './index.ts';

const ROLES = ['anonymous', 'member', 'groupMember', 'groupAdmin', 'moderator', 'owner'] as const;
type Role = (typeof ROLES)[number];

/** Who may see what (the specification the walk checks the system against). */
const SEES: Record<'open' | 'private' | 'hidden', readonly Role[]> = {
  open: ROLES,
  private: ['groupMember', 'groupAdmin', 'owner'],
  hidden: ['moderator', 'owner'],
};
/** Who sees the content of a hidden reply in the open thread (its author and site moderators). */
const SEES_HIDDEN_REPLY: readonly Role[] = ['moderator', 'owner'];

const PRIVATE_WORDS = ['Privatesentinel', 'Groupsentinel', 'Privatereplysentinel'];

describe.each(databaseKinds())('private groups and hidden content on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T09:00:00Z'));
  const users = new Map<Exclude<Role, 'anonymous'>, TestUser>();
  const threads: Record<'open' | 'private' | 'hidden', string> = {
    open: '',
    private: '',
    hidden: '',
  };
  let groupId = '';
  let hiddenReplyId = '';
  let privatePostId = '';
  let attachmentId = '';

  const words: Record<'open' | 'private' | 'hidden', string> = {
    open: 'Opensentinel',
    private: 'Privatesentinel',
    hidden: 'Hiddenthreadsentinel',
  };

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    users.set('member', await createTestUser(env, [], 'Plain Member'));
    users.set('groupMember', await createTestUser(env, [], 'Group Member'));
    users.set('groupAdmin', await createTestUser(env, [], 'Group Admin'));
    users.set(
      'moderator',
      await createTestUser(env, [{ role: 'moderator', scopeType: 'site' }], 'Site Moderator'),
    );
    users.set('owner', await createTestUser(env, [], 'Thread Owner'));
    const as = (role: Exclude<Role, 'anonymous'>) => env.ctx(users.get(role)!.actor);

    groupId = (
      await createGroup(env.ctx(), {
        name: 'Groupsentinel Circle',
        description: 'Focal points only',
        adminEmail: users.get('groupAdmin')!.email,
      })
    ).id;
    await addMember(as('groupAdmin'), groupId, {
      email: users.get('groupMember')!.email,
      role: 'member',
    });
    await addMember(as('groupAdmin'), groupId, {
      email: users.get('owner')!.email,
      role: 'member',
    });
    // Outsiders follow the theme and region of every thread, and the member is mentioned below.
    for (const role of ['member', 'moderator', 'groupMember'] as const) {
      await follow(as(role), 'theme', 'cybercrime');
      await follow(as(role), 'region', 'africa');
    }

    const base = { language: 'en', themes: ['cybercrime'], region: 'western-africa' };
    threads.open = (
      await createThread(as('owner'), {
        ...base,
        title: 'Opensentinel open thread',
        body: 'Open body',
      })
    ).id;
    clock.advance(60_000);
    const priv = await createThread(
      as('owner'),
      {
        ...base,
        title: 'Privatesentinel plans',
        body: 'Privatesentinel body for the group only',
        groupId,
        link: { kind: 'resource', ref: 'linkedsentinel' },
      },
      [{ filename: 'privatesentinel.pdf', data: PDF }],
    );
    threads.private = priv.id;
    privatePostId = priv.postId;
    clock.advance(60_000);
    threads.hidden = (
      await createThread(as('owner'), {
        ...base,
        title: 'Hiddenthreadsentinel',
        body: 'To be hidden',
      })
    ).id;
    await moderate(as('moderator'), 'hide-thread', threads.hidden, null, {
      reason: 'Reasonsentinel',
    });
    clock.advance(60_000);
    hiddenReplyId = (await reply(as('owner'), threads.open, { body: 'Hiddenreplysentinel words' }))
      .id;
    await moderate(as('moderator'), 'hide-post', threads.open, hiddenReplyId, {
      reason: 'Replyreasonsentinel',
    });
    clock.advance(60_000);
    const memberHandle = (
      await env.deps.db
        .selectFrom('discussion_preferences')
        .select('handle')
        .where('user_id', '=', users.get('member')!.id)
        .executeTakeFirstOrThrow()
    ).handle;
    await reply(as('groupMember'), threads.private, {
      body: `Privatereplysentinel, and hello @${memberHandle}`,
    });
    const detail = await getDiscussion(as('owner'), threads.private);
    attachmentId = detail.posts[0]!.attachments[0]!.id;
  });
  afterAll(async () => env?.close());

  async function viewer(role: Role): Promise<{ agent: TestAgent; actor: Actor }> {
    if (role === 'anonymous') return { agent: new TestAgent(env.app), actor: ANONYMOUS };
    const user = users.get(role)!;
    return { agent: await signedInAgent(env, user), actor: user.actor };
  }

  for (const role of ROLES) {
    it(`gives ${role} exactly the threads they may see, through every route`, async () => {
      const { agent, actor } = await viewer(role);
      const outsider = !SEES.private.includes(role);
      const bodies: Array<{ url: string; body: string }> = [];
      const get = async (url: string, json = false) => {
        const response = json ? await agent.request('GET', url) : await agent.get(url);
        bodies.push({ url, body: response.body });
        return response;
      };
      for (const which of ['open', 'private', 'hidden'] as const) {
        const id = threads[which];
        const sees = SEES[which].includes(role);
        const where = `${role} / ${which} thread`;
        const inList = (json: { items: Array<{ id: string }> }) =>
          json.items.some((i) => i.id === id);
        for (const query of [
          '',
          `q=${words[which]}`,
          'theme=cybercrime',
          'region=africa',
          'language=en',
        ]) {
          const api = (await get(`/api/v1/discussions?pageSize=100&${query}`, true)).json();
          expect(inList(api), `${where}: API list ?${query}`).toBe(sees);
          const page = (await get(`/discussions?all=1&pageSize=100&${query}`)).body;
          expect(page.includes(`id="thread-${id}"`), `${where}: page list ?${query}`).toBe(sees);
        }
        const apiDetail = await get(`/api/v1/discussions/${id}`, true);
        expect(apiDetail.statusCode, `${where}: API thread`).toBe(sees ? 200 : 404);
        const page = await get(`/discussions/${id}`);
        expect(page.statusCode, `${where}: thread page`).toBe(sees ? 200 : 404);
        if (sees) expect(page.body).toContain(words[which]);
        else expect(page.body, `${where}: thread page body`).not.toContain(words[which]);
        // The feed is public, whoever asks: neither private nor hidden threads enter it.
        for (const query of ['', `q=${words[which]}`, 'theme=cybercrime']) {
          const feed = (await get(`/discussions.atom?${query}`)).body;
          expect(feed.includes(`/discussions/${id}<`), `${where}: feed ?${query}`).toBe(
            which === 'open',
          );
        }
      }
      // The reason a thread was hidden: for its author and moderators only.
      const hiddenApi = (await get(`/api/v1/discussions/${threads.hidden}`, true)).json();
      if (SEES.hidden.includes(role)) expect(hiddenApi.hiddenReason).toBe('Reasonsentinel');
      // A hidden reply: placeholder for everyone but its author and moderators.
      const open = (await get(`/api/v1/discussions/${threads.open}`, true)).json();
      const hiddenReply = open.posts.find((p: { id: string }) => p.id === hiddenReplyId);
      const seesReply = SEES_HIDDEN_REPLY.includes(role);
      expect(hiddenReply.hidden).toBe(true);
      expect(hiddenReply.html === null, `${role}: hidden reply html`).toBe(!seesReply);
      expect(
        hiddenReply.hiddenReason === 'Replyreasonsentinel',
        `${role}: hidden reply reason`,
      ).toBe(seesReply);
      const openPage = (await get(`/discussions/${threads.open}`)).body;
      expect(openPage.includes('Hiddenreplysentinel'), `${role}: hidden reply in page`).toBe(
        seesReply,
      );
      expect(openPage.includes('This post was hidden by a moderator.') || seesReply).toBe(true);
      // Attachments of a private thread.
      const file = await get(`/discussions/attachments/${attachmentId}`);
      expect(file.statusCode, `${role}: private attachment`).toBe(outsider ? 404 : 200);
      // The group itself.
      const group = await get(`/discussions/groups/${groupId}`);
      expect(group.statusCode, `${role}: group page`).toBe(
        role === 'anonymous' ? 401 : outsider ? 404 : 200,
      );
      if (role !== 'anonymous') {
        const mine = (await get('/discussions/groups')).body;
        expect(mine.includes('Groupsentinel'), `${role}: my groups`).toBe(!outsider);
        // The form to start a thread offers the group to its members only.
        const form = (await get('/discussions/new')).body;
        expect(form.includes('Groupsentinel'), `${role}: new thread form`).toBe(!outsider);
      }
      // Nor can an outsider post into, follow, report or moderate in the group's thread.
      if (outsider) {
        const ctx = env.ctx(actor);
        const refused = role === 'anonymous' ? 'unauthenticated' : 'not_found';
        await expect(reply(ctx, threads.private, { body: 'let me in' })).rejects.toMatchObject({
          code: refused,
        });
        await expect(follow(ctx, 'thread', threads.private)).rejects.toMatchObject({
          code: refused,
        });
        await expect(
          flagPost(ctx, threads.private, privatePostId, { reason: 'spam', note: '' }),
        ).rejects.toMatchObject({ code: refused });
        await expect(
          moderate(ctx, 'hide-thread', threads.private, null, { reason: 'outsider moderation' }),
        ).rejects.toMatchObject({ code: refused });
        await expect(
          createThread(ctx, {
            title: 'Sneaking in',
            body: 'x',
            language: 'en',
            themes: ['norms'],
            groupId,
          }),
        ).rejects.toMatchObject({ code: role === 'anonymous' ? 'unauthenticated' : 'validation' });
      }
      // Items linked to a resource list the private thread for its members only.
      const linked = await threadsLinkedTo(env.ctx(actor), 'resource', 'linkedsentinel');
      expect(
        linked.some((t) => t.id === threads.private),
        `${role}: linked threads`,
      ).toBe(!outsider);
      // Whatever the route, an outsider never receives a word of the group's threads.
      // (A search form echoing the reader's own words is not a leak: those responses are skipped.)
      if (outsider)
        for (const { url, body } of bodies)
          for (const word of PRIVATE_WORDS)
            if (!url.includes(word))
              expect(body, `${role} got "${word}" from ${url}`).not.toContain(word);
    });
  }

  it('routes reports on private threads to the group admins, never to site moderators', async () => {
    const groupMember = env.ctx(users.get('groupMember')!.actor);
    const member = env.ctx(users.get('member')!.actor);
    await flagPost(groupMember, threads.private, privatePostId, {
      reason: 'off-topic',
      note: 'Privatesentinel note',
    });
    const open = await getDiscussion(member, threads.open);
    await flagPost(member, threads.open, open.posts[0]!.id, { reason: 'spam', note: '' });
    const admin = await moderationQueue(env.ctx(users.get('groupAdmin')!.actor));
    const site = await moderationQueue(env.ctx(users.get('moderator')!.actor));
    expect(admin.map((f) => f.threadId)).toEqual([threads.private]);
    expect(site.map((f) => f.threadId)).toEqual([threads.open]);
    const page = await (
      await signedInAgent(env, users.get('moderator')!)
    ).get('/discussions/moderation');
    for (const word of PRIVATE_WORDS) expect(page.body).not.toContain(word);
  });

  it('sends notices of private posts to group members only, mentions and follows alike', async () => {
    const mails = await env.deps.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .execute();
    const to = (role: Exclude<Role, 'anonymous'>) =>
      mails.filter((m) => m.to_address === users.get(role)!.email);
    for (const role of ['member', 'moderator'] as const)
      for (const m of to(role))
        for (const word of PRIVATE_WORDS)
          expect(m.subject + m.text_body, `${role} mail`).not.toContain(word);
    // The group member follows the theme: told of the private thread (started by the owner).
    expect(to('groupMember').some((m) => m.subject.includes('Privatesentinel'))).toBe(true);
    // The owner follows their own thread: told once of the group member's reply.
    expect(to('owner').filter((m) => m.subject.includes('Privatesentinel'))).toHaveLength(1);
    // Outsiders following the theme were told of the open threads.
    expect(to('member').some((m) => m.subject.includes('Opensentinel'))).toBe(true);
  });
});

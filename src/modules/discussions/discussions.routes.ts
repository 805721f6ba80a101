import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { Feed } from 'feed';
import { Type } from 'typebox';
import { ListOf, problems } from '../../platform/http/schemas.ts';
import {
  createThread,
  getAttachment,
  getDiscussion,
  listDiscussions,
  listPublicDiscussions,
  reply,
} from './discussions.service.ts';
import {
  DiscussionQuery,
  ReplyInput,
  ThreadDetailSchema,
  ThreadInput,
  ThreadSchema,
} from './discussions.schemas.ts';
import { postJson, threadJson } from './discussions.present.ts';
import { MAX_ATTACHMENT_BYTES } from './attachments.ts';
import { discussionPages } from './discussions.pages.tsx';
import { moderationPages } from './moderation.pages.tsx';
import { groupPages } from './groups.pages.tsx';

const PRIVATE_NOTE =
  'Threads of private groups appear only to their members; hidden threads only to their authors and moderators.';

export async function discussionsRoutes(app: FastifyInstance): Promise<void> {
  // Multipart bodies (forms with attachments) are parsed for this module's routes only.
  await app.register(multipart, {
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 4, fields: 60, parts: 70 },
    // An oversized file is cut and flagged (truncated), then refused with a message by the form.
    throwFileSizeLimit: false,
  });

  app.get(
    '/api/v1/discussions',
    {
      schema: {
        tags: ['discussions'],
        summary: 'Discussions by theme, region and language',
        description: `Newest activity first, or best match for a text search (q). ${PRIVATE_NOTE}`,
        querystring: DiscussionQuery,
        response: { 200: ListOf(ThreadSchema), ...problems(400) },
      },
    },
    async (request) => {
      const result = await listDiscussions(request.ctx, request.query as DiscussionQuery);
      return { ...result, items: result.items.map(threadJson) };
    },
  );

  app.get(
    '/api/v1/discussions/:id',
    {
      schema: {
        tags: ['discussions'],
        summary: 'A discussion with its posts',
        description: `Posts hidden by moderators have html null, except for their authors and moderators. ${PRIVATE_NOTE}`,
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: ThreadDetailSchema, ...problems(404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const detail = await getDiscussion(request.ctx, id);
      return { ...threadJson(detail.thread), posts: detail.posts.map(postJson) };
    },
  );

  app.post(
    '/api/v1/discussions',
    {
      schema: {
        tags: ['discussions'],
        summary: 'Start a discussion (members)',
        description:
          'The body is Markdown; it is stored with its sanitised HTML. Mentions (@handle) notify the members named. Rate limited per member (429 with Retry-After).',
        body: ThreadInput,
        response: { 201: ThreadDetailSchema, ...problems(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      const { id } = await createThread(request.ctx, request.body);
      const detail = await getDiscussion(request.ctx, id);
      return reply
        .status(201)
        .header('location', `/api/v1/discussions/${id}`)
        .send({ ...threadJson(detail.thread), posts: detail.posts.map(postJson) });
    },
  );

  app.post(
    '/api/v1/discussions/:id/replies',
    {
      schema: {
        tags: ['discussions'],
        summary: 'Reply in a discussion (members)',
        description:
          'Slow mode of the thread and rate limits per member apply (429 with Retry-After).',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: ReplyInput,
        response: {
          201: Type.Object({ id: Type.String(), url: Type.String() }),
          ...problems(401, 403, 404, 409, 422, 429),
        },
      },
    },
    async (request, res) => {
      const { id } = request.params as { id: string };
      const post = await reply(request.ctx, id, request.body);
      return res.status(201).send({ id: post.id, url: `/discussions/${id}#post-${post.id}` });
    },
  );

  // Attachments: served as downloads, never rendered in the site's origin.
  app.get(
    '/discussions/attachments/:id',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const file = await getAttachment(request.ctx, id);
      return reply
        .header('content-type', file.mediaType)
        .header(
          'content-disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(file.data);
    },
  );

  // The feed is public whoever fetches it: private and hidden threads never enter it.
  app.get(
    '/discussions.atom',
    { config: { page: true }, schema: { hide: true, querystring: DiscussionQuery } },
    async (request, reply) => {
      const query = request.query as DiscussionQuery;
      const result = await listPublicDiscussions(request.ctx, { ...query, pageSize: 50 });
      const base = request.server.deps.config.baseUrl;
      const feed = new Feed({
        id: `${base}/discussions`,
        title: 'Capacity Commons — discussions',
        link: `${base}/discussions`,
        language: 'en',
        updated: result.items[0]?.lastActivityAt ?? new Date(0),
        generator: false,
        copyright: 'Posts belong to their authors',
        feedLinks: { atom: `${base}${request.url}` },
      });
      for (const t of result.items) {
        feed.addItem({
          id: `${base}/discussions/${t.id}`,
          title: t.title,
          link: `${base}/discussions/${t.id}`,
          date: t.lastActivityAt,
          published: t.createdAt,
          description: t.excerpt,
          author: t.author ? [{ name: t.author.name }] : undefined,
          category: t.themes.map((theme) => ({ term: theme })),
        });
      }
      return reply.type('application/atom+xml; charset=utf-8').send(feed.atom1());
    },
  );

  await app.register(discussionPages);
  await app.register(moderationPages);
  await app.register(groupPages);
}

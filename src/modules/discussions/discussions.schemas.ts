import { Type, type Static, type TSchema } from 'typebox';
import { Body, Paging, Query } from '../../platform/http/schemas.ts';
import { termCodes } from '../reference/index.ts';
import { FLAG_REASONS, FOLLOW_TARGETS, LINK_KINDS, SLOW_MODE_CHOICES } from './discussions.ts';

/** One of a list of codes, typed as their union (TypeBox unions of mapped literals lose it). */
const Code = <T extends string>(codes: readonly T[]) =>
  Type.Unsafe<T>(Type.Union(codes.map((c) => Type.Literal(c))));
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const LinkInput = Type.Object(
  {
    kind: Code(LINK_KINDS),
    ref: Type.String({ minLength: 1, maxLength: 200 }),
    path: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  },
  { additionalProperties: false },
);

export const ThreadInput = Body({
  title: Type.String({ minLength: 1, maxLength: 200 }),
  body: Type.String({ minLength: 1, maxLength: 20000 }),
  language: Type.String({ pattern: '^[a-z]{2}$' }),
  themes: Type.Array(Code(termCodes('theme')), { minItems: 1, maxItems: 3, uniqueItems: true }),
  region: Type.Optional(Nullable(Type.String({ pattern: '^[a-z-]{2,60}$' }))),
  groupId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
  link: Type.Optional(Nullable(LinkInput)),
});
export type ThreadInput = Static<typeof ThreadInput>;

export const ReplyInput = Body({
  body: Type.String({ minLength: 1, maxLength: 20000 }),
  quoteOf: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
});
export type ReplyInput = Static<typeof ReplyInput>;

export const FlagInput = Body({
  reason: Code(FLAG_REASONS),
  note: Type.String({ maxLength: 1000 }),
});
export type FlagInput = Static<typeof FlagInput>;

export const ModerationInput = Body({
  reason: Type.String({ minLength: 3, maxLength: 1000 }),
});

export const SlowModeInput = Body({
  seconds: Type.Union(SLOW_MODE_CHOICES.map((s) => Type.Literal(s))),
  reason: Type.String({ minLength: 3, maxLength: 1000 }),
});

export const FollowInput = Body({
  targetType: Code(FOLLOW_TARGETS),
  targetId: Type.String({ minLength: 1, maxLength: 60 }),
});

export const PreferencesInput = Body({
  handle: Type.String({ minLength: 2, maxLength: 30 }),
  /** ISO 639-1 codes or language names ("French"). */
  languages: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 20 }),
  emailNotifications: Type.Boolean(),
});
export type PreferencesInput = Static<typeof PreferencesInput>;

export const GroupInput = Body({
  name: Type.String({ minLength: 3, maxLength: 120 }),
  description: Type.String({ maxLength: 2000 }),
  adminEmail: Type.String({ minLength: 3, maxLength: 254 }),
});
export type GroupInput = Static<typeof GroupInput>;

export const MemberInput = Body({
  email: Type.String({ minLength: 3, maxLength: 254 }),
  role: Code(['admin', 'member']),
});
export type MemberInput = Static<typeof MemberInput>;

export const DiscussionQuery = Query({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  theme: Type.Optional(Code(termCodes('theme'))),
  region: Type.Optional(Type.String({ pattern: '^[a-z-]{2,60}$' })),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })),
  linkKind: Type.Optional(Code(LINK_KINDS)),
  linkRef: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  ...Paging,
});
export type DiscussionQuery = Static<typeof DiscussionQuery>;

// Responses

const Author = Nullable(Type.Object({ name: Type.String(), handle: Nullable(Type.String()) }));

export const ThreadSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String(),
  title: Type.String(),
  excerpt: Type.String(),
  language: Type.String(),
  themes: Type.Array(Type.String()),
  region: Nullable(Type.String()),
  group: Nullable(Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() })),
  author: Author,
  link: Nullable(Type.Object({ kind: Type.String(), ref: Type.String(), path: Type.String() })),
  status: Type.String({
    description: 'visible, or hidden (seen only by its author and moderators)',
  }),
  hiddenReason: Nullable(Type.String()),
  replyCount: Type.Integer(),
  slowModeSeconds: Type.Integer(),
  isDemo: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastActivityAt: Type.String({ format: 'date-time' }),
});

const Attachment = Type.Object({
  id: Type.String(),
  filename: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});

export const PostSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  isOpening: Type.Boolean(),
  author: Author,
  html: Nullable(
    Type.String({ description: 'Sanitised HTML; null when hidden from you or erased' }),
  ),
  hidden: Type.Boolean(),
  hiddenReason: Nullable(Type.String()),
  erased: Type.Boolean(),
  quoteOf: Nullable(Type.String()),
  attachments: Type.Array(Attachment),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ThreadDetailSchema = Type.Intersect([
  ThreadSchema,
  Type.Object({ posts: Type.Array(PostSchema) }),
]);

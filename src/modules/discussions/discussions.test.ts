import { describe, expect, it } from 'vitest';
import {
  RATE_LIMITS,
  canModerate,
  canSeeHiddenPost,
  canSeeThread,
  excerptOf,
  handleFromName,
  isSitePath,
  slowModeWait,
  strongerNotice,
  type Reader,
} from './discussions.ts';

const G = 'group-1';
const readers: Record<string, Reader> = {
  anonymous: { userId: null, groups: new Map(), siteModerator: false },
  member: { userId: 'm', groups: new Map(), siteModerator: false },
  groupMember: { userId: 'gm', groups: new Map([[G, 'member']]), siteModerator: false },
  groupAdmin: { userId: 'ga', groups: new Map([[G, 'admin']]), siteModerator: false },
  moderator: { userId: 'mod', groups: new Map(), siteModerator: true },
  owner: { userId: 'o', groups: new Map([[G, 'member']]), siteModerator: false },
};

describe('thread visibility rules', () => {
  const table: Array<[string, { groupId: string | null; status: 'visible' | 'hidden' }, string[]]> =
    [
      ['open thread', { groupId: null, status: 'visible' }, Object.keys(readers)],
      ['hidden open thread', { groupId: null, status: 'hidden' }, ['moderator', 'owner']],
      ['private thread', { groupId: G, status: 'visible' }, ['groupMember', 'groupAdmin', 'owner']],
      ['hidden private thread', { groupId: G, status: 'hidden' }, ['groupAdmin', 'owner']],
    ];
  for (const [name, facts, allowed] of table) {
    it(`shows a ${name} to ${allowed.join(', ')} only`, () => {
      for (const [role, reader] of Object.entries(readers))
        expect(canSeeThread(reader, { ...facts, authorId: 'o' }), role).toBe(
          allowed.includes(role),
        );
    });
  }

  it('lets site moderators moderate open threads and group admins their group’s only', () => {
    expect(canModerate(readers.moderator!, { groupId: null })).toBe(true);
    expect(canModerate(readers.moderator!, { groupId: G })).toBe(false);
    expect(canModerate(readers.groupAdmin!, { groupId: G })).toBe(true);
    expect(canModerate(readers.groupAdmin!, { groupId: null })).toBe(false);
    expect(canModerate(readers.groupMember!, { groupId: G })).toBe(false);
  });

  it('shows a hidden post to its author and the thread’s moderators', () => {
    expect(canSeeHiddenPost(readers.owner!, { groupId: null }, { authorId: 'o' })).toBe(true);
    expect(canSeeHiddenPost(readers.member!, { groupId: null }, { authorId: 'o' })).toBe(false);
    expect(canSeeHiddenPost(readers.moderator!, { groupId: null }, { authorId: 'o' })).toBe(true);
    expect(canSeeHiddenPost(readers.anonymous!, { groupId: null }, { authorId: null })).toBe(false);
  });
});

describe('slow mode and rate limits', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('waits out the slow mode interval', () => {
    expect(slowModeWait(0, new Date(now.getTime() - 1000), now)).toBe(0);
    expect(slowModeWait(60, null, now)).toBe(0);
    expect(slowModeWait(60, new Date(now.getTime() - 15_000), now)).toBe(45);
    expect(slowModeWait(60, new Date(now.getTime() - 60_000), now)).toBe(0);
  });
  it('keeps the per-member limits sane', () => {
    for (const limit of Object.values(RATE_LIMITS)) {
      expect(limit.limit).toBeGreaterThan(1);
      expect(limit.windowSeconds).toBeGreaterThanOrEqual(60);
    }
  });
});

describe('small rules', () => {
  it('makes handles from names', () => {
    expect(handleFromName('Amina Sow (demo)')).toBe('amina-sow-demo');
    expect(handleFromName('Ñoño Pérez')).toBe('nono-perez');
    expect(handleFromName('李')).toBe('member');
  });
  it('accepts only paths on this site for linked items', () => {
    expect(isSitePath('/resources/intro-to-cyber')).toBe(true);
    for (const bad of ['https://x.org', '//x.org', 'javascript:x', '/a/../b', 'resources/x'])
      expect(isSitePath(bad), bad).toBe(false);
  });
  it('makes plain excerpts of Markdown', () => {
    expect(excerptOf('# Title\n\nSome **bold** [link](https://x.org) <b>x</b>', 100)).toBe(
      'Title Some bold link x',
    );
    expect(excerptOf('a'.repeat(300), 10)).toHaveLength(10);
  });
  it('keeps the most personal reason for a notice', () => {
    expect(strongerNotice(undefined, 'region')).toBe('region');
    expect(strongerNotice('region', 'mention')).toBe('mention');
    expect(strongerNotice('mention', 'thread')).toBe('mention');
    expect(strongerNotice('theme', 'thread')).toBe('thread');
  });
});

import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId, slugify } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, findUserByEmail } from '../accounts/index.ts';
import * as members from './members.repository.ts';
import type { GroupRole } from './discussions.ts';
import { GroupInput, MemberInput } from './discussions.schemas.ts';
import { readerFor } from './discussions.service.ts';

export interface GroupSummary {
  id: string;
  slug: string;
  name: string;
  description: string;
  role: GroupRole;
  isDemo: boolean;
}

/** The private groups the caller belongs to. */
export async function myGroups(ctx: ServiceContext): Promise<GroupSummary[]> {
  if (!ctx.actor.userId) return [];
  return (await members.groupsOf(ctx.readDb, ctx.actor.userId)).map((g) => ({
    id: g.id,
    slug: g.slug,
    name: g.name,
    description: g.description,
    role: g.role as GroupRole,
    isDemo: g.is_demo,
  }));
}

/** A group, for its members only: to anyone else it does not exist (404). */
export async function getGroup(ctx: ServiceContext, id: string) {
  authorize(ctx, 'discussion.post');
  const reader = await readerFor(ctx);
  if (!isUuid(id) || !reader.groups.has(id)) throw AppError.notFound('The group');
  const group = await members.findGroup(ctx.readDb, id);
  if (!group) throw AppError.notFound('The group');
  const role = reader.groups.get(id)!;
  const people = await members.groupMembers(ctx.readDb, id);
  return {
    id: group.id,
    slug: group.slug,
    name: group.name,
    description: group.description,
    isDemo: group.is_demo,
    role,
    members: people.map((p) => ({
      userId: p.id,
      name: p.display_name,
      // Addresses are for the admins who manage the membership.
      email: role === 'admin' ? p.email : null,
      role: p.role as GroupRole,
    })),
  };
}

/** Site admins create a private group and name its first admin (an existing account). */
export async function createGroup(
  ctx: ServiceContext,
  raw: unknown,
  options: { isDemo?: boolean } = {},
): Promise<{ id: string }> {
  authorize(ctx, 'discussion.group.create');
  const input = parseOrThrow(GroupInput, raw);
  const admin = await findUserByEmail(ctx, input.adminEmail.trim());
  if (!admin || admin.status !== 'active')
    throw AppError.validation([
      { path: '/adminEmail', message: 'No active account has this address.' },
    ]);
  const name = input.name.trim();
  return ctx.db.transaction().execute(async (trx) => {
    const base = slugify(name, 60);
    let slug = base;
    for (let n = 2; await members.findGroupBySlug(trx, slug); n++) slug = `${base}-${n}`;
    const now = ctx.clock.now();
    const group = await members.insertGroup(trx, {
      id: newId(),
      slug,
      name,
      description: input.description.trim(),
      is_demo: options.isDemo ?? false,
      created_by: ctx.actor.userId,
      created_at: now,
    });
    await members.upsertMember(trx, {
      group_id: group.id,
      user_id: admin.id,
      role: 'admin',
      added_by: ctx.actor.userId,
      created_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.group.create',
      entityType: 'discussion_group',
      entityId: group.id,
      after: { name, adminId: admin.id },
    });
    return { id: group.id };
  });
}

async function adminOf(ctx: ServiceContext, groupId: string) {
  authorize(ctx, 'discussion.post');
  const reader = await readerFor(ctx, ctx.db);
  if (!isUuid(groupId) || !reader.groups.has(groupId)) throw AppError.notFound('The group');
  return reader.groups.get(groupId) === 'admin';
}

/** Group admins add members (or change a member's role) by email address. */
export async function addMember(ctx: ServiceContext, groupId: string, raw: unknown) {
  if (!(await adminOf(ctx, groupId)))
    throw AppError.forbidden('Only the admins of this group manage its members.');
  const input = parseOrThrow(MemberInput, raw);
  const user = await findUserByEmail(ctx, input.email.trim());
  if (!user || user.status !== 'active')
    throw AppError.validation([{ path: '/email', message: 'No active account has this address.' }]);
  await ctx.db.transaction().execute(async (trx) => {
    if (
      input.role === 'member' &&
      user.id === ctx.actor.userId &&
      (await members.countAdmins(trx, groupId)) <= 1
    )
      throw AppError.validation([
        { path: '/role', message: 'A group keeps at least one admin: name another admin first.' },
      ]);
    await members.upsertMember(trx, {
      group_id: groupId,
      user_id: user.id,
      role: input.role as GroupRole,
      added_by: ctx.actor.userId,
      created_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'discussion.group.member.add',
      entityType: 'discussion_group',
      entityId: groupId,
      after: { userId: user.id, role: input.role },
    });
  });
}

/** Admins remove members; anyone may leave. The last admin cannot go. */
export async function removeMember(ctx: ServiceContext, groupId: string, userId: string) {
  const isAdmin = await adminOf(ctx, groupId);
  if (!isAdmin && userId !== ctx.actor.userId)
    throw AppError.forbidden('Only the admins of this group manage its members.');
  if (!isUuid(userId)) throw AppError.notFound('The member');
  await ctx.db.transaction().execute(async (trx) => {
    const current = (await members.membershipsOf(trx, userId)).find((m) => m.group_id === groupId);
    if (!current) throw AppError.notFound('The member');
    if (current.role === 'admin' && (await members.countAdmins(trx, groupId)) <= 1)
      throw new AppError('conflict', 'A group keeps at least one admin: name another admin first.');
    await members.deleteMember(trx, groupId, userId);
    await recordAudit(trx, ctx, {
      action: 'discussion.group.member.remove',
      entityType: 'discussion_group',
      entityId: groupId,
      before: { userId, role: current.role },
    });
  });
}

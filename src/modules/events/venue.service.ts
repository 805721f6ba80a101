/**
 * Rooms and time slots of an event, as organisers edit them. Slots are entered as a day of the
 * event and wall-clock times in the event's zone, and stored as instants. A room or slot that holds
 * scheduled sessions is not removed or moved from under them: the organiser unschedules first.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize } from '../accounts/index.ts';
import * as repo from './events.repository.ts';
import { LocalSlotInput, RoomInput } from './events.schemas.ts';
import { eventScope, loadEvent } from './events.service.ts';
import type { EventRecord, Room, Slot } from './events.present.ts';
import { zonedInstant } from './zones.ts';

async function managed(ctx: ServiceContext, eventId: string): Promise<EventRecord> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  return event;
}

function roomOf(event: EventRecord, roomId: string): Room {
  const room = isUuid(roomId) ? event.rooms.find((r) => r.id === roomId) : undefined;
  if (!room) throw AppError.notFound('The room');
  return room;
}

function slotOf(event: EventRecord, slotId: string): Slot {
  const slot = isUuid(slotId) ? event.slots.find((s) => s.id === slotId) : undefined;
  if (!slot) throw AppError.notFound('The time slot');
  return slot;
}

function checkRoomName(event: EventRecord, name: string, roomId: string | null): FieldError[] {
  const key = name.trim().toLowerCase();
  if (!key) return [{ path: '/name', message: 'This field is required.' }];
  return event.rooms.some((r) => r.id !== roomId && r.name.trim().toLowerCase() === key)
    ? [{ path: '/name', message: 'Each room needs its own name.' }]
    : [];
}

/** Titles of the sessions placed with `match`, for refusals that say what is in the way. */
async function sessionsPlaced(
  ctx: ServiceContext,
  eventId: string,
  match: (s: { room_id: string | null; slot_id: string | null }) => boolean,
) {
  return (await repo.sessionsOf(ctx.readDb, eventId)).filter((s) => s.starts_at && match(s));
}

function inTheWay(titles: string[]): string {
  const shown = titles.slice(0, 3).map((t) => `"${t}"`);
  const more = titles.length > 3 ? ` and ${titles.length - 3} more` : '';
  return `${shown.join(', ')}${more}`;
}

export async function addRoom(ctx: ServiceContext, eventId: string, raw: unknown): Promise<Room> {
  const event = await managed(ctx, eventId);
  const input = parseOrThrow(RoomInput, raw);
  const errors = checkRoomName(event, input.name, null);
  if (errors.length) throw AppError.validation(errors);
  return ctx.db.transaction().execute(async (trx) => {
    const [row] = await repo.insertRooms(trx, [
      {
        id: newId(),
        event_id: event.id,
        name: input.name.trim(),
        capacity: input.capacity ?? null,
        position: event.rooms.length,
      },
    ]);
    await recordAudit(trx, ctx, {
      action: 'event.room.add',
      entityType: 'event',
      entityId: event.id,
      after: { name: input.name.trim(), capacity: input.capacity ?? null },
      isPublic: true,
    });
    return { id: row!.id, name: row!.name, capacity: row!.capacity };
  });
}

export async function updateRoom(
  ctx: ServiceContext,
  eventId: string,
  roomId: string,
  raw: unknown,
): Promise<void> {
  const event = await managed(ctx, eventId);
  const room = roomOf(event, roomId);
  const input = parseOrThrow(RoomInput, raw);
  const errors = checkRoomName(event, input.name, room.id);
  if (errors.length) throw AppError.validation(errors);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateRoom(trx, room.id, {
      name: input.name.trim(),
      capacity: input.capacity ?? null,
    });
    await recordAudit(trx, ctx, {
      action: 'event.room.update',
      entityType: 'event',
      entityId: event.id,
      before: { name: room.name, capacity: room.capacity },
      after: { name: input.name.trim(), capacity: input.capacity ?? null },
      isPublic: true,
    });
  });
}

export async function removeRoom(
  ctx: ServiceContext,
  eventId: string,
  roomId: string,
): Promise<void> {
  const event = await managed(ctx, eventId);
  const room = roomOf(event, roomId);
  const busy = await sessionsPlaced(ctx, event.id, (s) => s.room_id === room.id);
  if (busy.length) {
    throw new AppError(
      'conflict',
      `Sessions are scheduled in ${room.name}: ${inTheWay(busy.map((s) => s.title))}. Unschedule or move them first.`,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteRoom(trx, room.id);
    await recordAudit(trx, ctx, {
      action: 'event.room.remove',
      entityType: 'event',
      entityId: event.id,
      before: { name: room.name },
      isPublic: true,
    });
  });
}

/** Local day and times → instants, checked against the event's days. */
function toInstants(event: EventRecord, raw: unknown): { startsAt: Date; endsAt: Date } {
  const input = parseOrThrow(LocalSlotInput, raw);
  const errors: FieldError[] = [];
  if (input.day < event.startsOn || input.day > event.endsOn) {
    errors.push({ path: '/day', message: 'Choose a day of the event.' });
  }
  if (input.end <= input.start) {
    errors.push({ path: '/end', message: 'A slot must end after it starts, on the same day.' });
  }
  if (errors.length) throw AppError.validation(errors);
  return {
    startsAt: zonedInstant(input.day, input.start, event.timeZone),
    endsAt: zonedInstant(input.day, input.end, event.timeZone),
  };
}

export async function addSlot(ctx: ServiceContext, eventId: string, raw: unknown): Promise<Slot> {
  const event = await managed(ctx, eventId);
  const at = toInstants(event, raw);
  if (event.slots.some((s) => +s.startsAt === +at.startsAt && +s.endsAt === +at.endsAt)) {
    throw AppError.validation([{ path: '/start', message: 'This event already has this slot.' }]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const [row] = await repo.insertSlots(trx, [
      { id: newId(), event_id: event.id, starts_at: at.startsAt, ends_at: at.endsAt },
    ]);
    await recordAudit(trx, ctx, {
      action: 'event.slot.add',
      entityType: 'event',
      entityId: event.id,
      after: { startsAt: at.startsAt.toISOString(), endsAt: at.endsAt.toISOString() },
      isPublic: true,
    });
    return { id: row!.id, startsAt: row!.starts_at, endsAt: row!.ends_at };
  });
}

/**
 * Changes a slot's times. Sessions placed in it start with the slot, so a slot holding sessions
 * keeps its start, and may only end where every one of them still fits.
 */
export async function updateSlot(
  ctx: ServiceContext,
  eventId: string,
  slotId: string,
  raw: unknown,
): Promise<void> {
  const event = await managed(ctx, eventId);
  const slot = slotOf(event, slotId);
  const at = toInstants(event, raw);
  const busy = await sessionsPlaced(ctx, event.id, (s) => s.slot_id === slot.id);
  const overrun = busy.filter((s) => s.ends_at! > at.endsAt);
  if (busy.length && (+at.startsAt !== +slot.startsAt || overrun.length)) {
    const titles = (+at.startsAt !== +slot.startsAt ? busy : overrun).map((s) => s.title);
    throw new AppError('conflict', 'Sessions are scheduled in this slot.', [
      {
        path: +at.startsAt !== +slot.startsAt ? '/start' : '/end',
        message: `Sessions are scheduled in this slot (${inTheWay(titles)}): unschedule or move them first.`,
      },
    ]);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.updateSlot(trx, slot.id, { starts_at: at.startsAt, ends_at: at.endsAt });
    await recordAudit(trx, ctx, {
      action: 'event.slot.update',
      entityType: 'event',
      entityId: event.id,
      before: { startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() },
      after: { startsAt: at.startsAt.toISOString(), endsAt: at.endsAt.toISOString() },
      isPublic: true,
    });
  });
}

export async function removeSlot(
  ctx: ServiceContext,
  eventId: string,
  slotId: string,
): Promise<void> {
  const event = await managed(ctx, eventId);
  const slot = slotOf(event, slotId);
  const busy = await sessionsPlaced(ctx, event.id, (s) => s.slot_id === slot.id);
  if (busy.length) {
    throw new AppError(
      'conflict',
      `Sessions are scheduled in this slot: ${inTheWay(busy.map((s) => s.title))}. Unschedule or move them first.`,
    );
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.deleteSlot(trx, slot.id);
    await recordAudit(trx, ctx, {
      action: 'event.slot.remove',
      entityType: 'event',
      entityId: event.id,
      before: { startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() },
      isPublic: true,
    });
  });
}

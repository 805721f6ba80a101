import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, slugify, isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, isAllowed, SITE } from '../accounts/index.ts';
import { TAXONOMIES, isTerm } from '../reference/index.ts';
import * as repo from './events.repository.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_REVIEW_CRITERIA,
  DEFAULT_SCREENING,
  type FormatOption,
} from './events.ts';
import { CallInput, EventInput, type PhaseInput } from './events.schemas.ts';
import { toCall, toEvent, toPhase, type Call, type EventRecord } from './events.present.ts';
import { isTimeZone } from './zones.ts';

export const eventScope = (eventId: string) => ({ type: 'event' as const, id: eventId });

/** The session formats of the `sessionFormat` taxonomy with their usual lengths. */
export function defaultFormats(): FormatOption[] {
  return TAXONOMIES.sessionFormat.map((f) => ({ code: f.code, minutes: f.extra.minutes }));
}

export async function loadEvent(
  ctx: Pick<ServiceContext, 'readDb' | 'db'>,
  idOrSlug: string,
  db = ctx.readDb,
): Promise<EventRecord> {
  const row = isUuid(idOrSlug)
    ? await repo.findEventById(db, idOrSlug)
    : await repo.findEventBySlug(db, idOrSlug);
  if (!row) throw AppError.notFound('The event');
  const [rooms, slots, callRows] = await Promise.all([
    repo.roomsOf(db, row.id),
    repo.slotsOf(db, row.id),
    repo.callsOf(db, row.id),
  ]);
  const phases = await repo.phasesOf(
    db,
    callRows.map((c) => c.id),
  );
  const calls = callRows.map((c) =>
    toCall(c, phases.filter((p) => p.call_id === c.id).map(toPhase)),
  );
  return toEvent(row, rooms, slots, calls);
}

export async function loadCall(
  ctx: Pick<ServiceContext, 'readDb'>,
  callId: string,
  db = ctx.readDb,
): Promise<Call> {
  if (!isUuid(callId)) throw AppError.notFound('The call');
  const row = await repo.findCall(db, callId);
  if (!row) throw AppError.notFound('The call');
  const phases = await repo.phasesOf(db, [row.id]);
  return toCall(row, phases.map(toPhase));
}

export async function listEvents(
  ctx: ServiceContext,
  page = 1,
  pageSize = 20,
): Promise<{ items: EventRecord[]; total: number; page: number; pageSize: number }> {
  const [rows, total] = await Promise.all([
    repo.listEvents(ctx.readDb, pageSize, (page - 1) * pageSize),
    repo.countEvents(ctx.readDb),
  ]);
  const calls = await repo.callsOfEvents(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  const items = rows.map((r) =>
    toEvent(
      r,
      [],
      [],
      calls.filter((c) => c.event_id === r.id).map((c) => toCall(c)),
    ),
  );
  return { items, total, page, pageSize };
}

export function getEvent(ctx: ServiceContext, idOrSlug: string): Promise<EventRecord> {
  return loadEvent(ctx, idOrSlug);
}

export function canManageEvent(ctx: ServiceContext, eventId: string): boolean {
  return isAllowed(ctx, 'event.manage', eventScope(eventId));
}

function checkPhases(phases: readonly PhaseInput[] | undefined, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  (phases ?? []).forEach((p, i) => {
    if (new Date(p.endsAt) <= new Date(p.startsAt)) {
      errors.push({ path: `${prefix}/${i}/endsAt`, message: 'A phase must end after it starts.' });
    }
  });
  return errors;
}

/** Creates an event with its rooms and time slots (site-wide event organisers). */
export async function createEvent(ctx: ServiceContext, raw: unknown): Promise<EventRecord> {
  authorize(ctx, 'event.manage', SITE);
  const input = parseOrThrow(EventInput, raw);
  const errors: FieldError[] = [];
  if (!isTimeZone(input.timeZone)) {
    errors.push({ path: '/timeZone', message: 'Use an IANA time zone, e.g. Europe/Oslo.' });
  }
  if (input.endsOn < input.startsOn) {
    errors.push({ path: '/endsOn', message: 'The event must end on or after its first day.' });
  }
  const names = new Set<string>();
  input.rooms.forEach((r, i) => {
    const key = r.name.trim().toLowerCase();
    if (names.has(key))
      errors.push({ path: `/rooms/${i}/name`, message: 'Each room needs its own name.' });
    names.add(key);
  });
  (input.slots ?? []).forEach((s, i) => {
    if (new Date(s.endsAt) <= new Date(s.startsAt)) {
      errors.push({ path: `/slots/${i}/endsAt`, message: 'A slot must end after it starts.' });
    }
  });
  if (errors.length) throw AppError.validation(errors);
  const slug = input.slug ?? slugify(input.name);
  return ctx.db.transaction().execute(async (trx) => {
    if (await repo.findEventBySlug(trx, slug)) {
      throw new AppError('conflict', 'An event with this address already exists.', [
        { path: '/slug', message: 'Choose another short name.' },
      ]);
    }
    const now = ctx.clock.now();
    const row = await repo.insertEvent(trx, {
      id: newId(),
      slug,
      name: input.name.trim(),
      place: input.place.trim(),
      description: input.description ?? '',
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      time_zone: input.timeZone,
      is_demo: input.isDemo ?? false,
      created_at: now,
      updated_at: now,
    });
    await repo.insertRooms(
      trx,
      input.rooms.map((r, i) => ({
        id: newId(),
        event_id: row.id,
        name: r.name.trim(),
        capacity: r.capacity ?? null,
        position: i,
      })),
    );
    await repo.insertSlots(
      trx,
      (input.slots ?? []).map((s) => ({
        id: newId(),
        event_id: row.id,
        starts_at: new Date(s.startsAt),
        ends_at: new Date(s.endsAt),
      })),
    );
    await recordAudit(trx, ctx, {
      action: 'event.create',
      entityType: 'event',
      entityId: row.id,
      after: { slug, name: row.name },
      isPublic: true,
    });
    return loadEvent(ctx, row.id, trx);
  });
}

/** Opens a call for proposals on an event, with its rules and review phases. */
export async function createCall(
  ctx: ServiceContext,
  eventId: string,
  raw: unknown,
): Promise<Call> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const input = parseOrThrow(CallInput, raw);
  const errors: FieldError[] = [];
  if (new Date(input.closesAt) <= new Date(input.opensAt)) {
    errors.push({ path: '/closesAt', message: 'The call must close after it opens.' });
  }
  (input.formats ?? []).forEach((f, i) => {
    if (!isTerm('sessionFormat', f.code)) {
      errors.push({
        path: `/formats/${i}/code`,
        message: 'Choose a session format of the taxonomy.',
      });
    }
  });
  errors.push(...checkPhases(input.phases, '/phases'));
  if (errors.length) throw AppError.validation(errors);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.insertCall(trx, {
      id: newId(),
      event_id: event.id,
      title: input.title.trim(),
      description: input.description ?? '',
      opens_at: new Date(input.opensAt),
      closes_at: new Date(input.closesAt),
      reviews_per_proposal: input.reviewsPerProposal ?? 3,
      formats: JSON.stringify(input.formats ?? defaultFormats()),
      criteria: JSON.stringify({ ...DEFAULT_CRITERIA, ...input.criteria }),
      screening: JSON.stringify({ ...DEFAULT_SCREENING, ...input.screening }),
      review_criteria: JSON.stringify(input.reviewCriteria ?? DEFAULT_REVIEW_CRITERIA),
      report_due_days: input.reportDueDays ?? 14,
      created_at: ctx.clock.now(),
    });
    for (const p of input.phases ?? []) {
      await repo.insertPhase(trx, {
        id: newId(),
        call_id: row.id,
        name: p.name,
        starts_at: new Date(p.startsAt),
        ends_at: new Date(p.endsAt),
        reviewers_may_review: p.reviewersMayReview ?? true,
        see_others_scores: p.seeOthersScores ?? false,
        blind: p.blind ?? true,
        proposers_may_edit: p.proposersMayEdit ?? false,
      });
    }
    await recordAudit(trx, ctx, {
      action: 'call.create',
      entityType: 'call',
      entityId: row.id,
      after: {
        eventId: event.id,
        title: row.title,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
      },
      isPublic: true,
    });
    return loadCall(ctx, row.id, trx);
  });
}

export function countEvents(ctx: ServiceContext): Promise<number> {
  return repo.countEvents(ctx.readDb);
}

import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, slugify, isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, isAllowed, SITE } from '../accounts/index.ts';
import { TAXONOMIES, isTerm } from '../reference/index.ts';
import * as repo from './events.repository.ts';
import type { Db } from '../../db/database.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_REVIEW_CRITERIA,
  DEFAULT_SCREENING,
  weightedScore,
  type FormatOption,
} from './events.ts';
import { CallInput, EventDetailsInput, EventInput, type PhaseInput } from './events.schemas.ts';
import { toCall, toEvent, toPhase, type Call, type EventRecord } from './events.present.ts';
import { isTimeZone, localDay } from './zones.ts';

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
  // Slugs are lower-case letters, digits and hyphens: anything else (a NUL byte included, which
  // PostgreSQL refuses in text) is simply not an event.
  const row = isUuid(idOrSlug)
    ? await repo.findEventById(db, idOrSlug)
    : /^[a-z0-9-]{1,80}$/.test(idOrSlug)
      ? await repo.findEventBySlug(db, idOrSlug)
      : undefined;
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

const blank = (path: string): FieldError => ({ path, message: 'This field is required.' });

function checkPhases(phases: readonly PhaseInput[] | undefined, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  (phases ?? []).forEach((p, i) => {
    if (!p.name.trim()) errors.push(blank(`${prefix}/${i}/name`));
    if (new Date(p.endsAt) <= new Date(p.startsAt)) {
      errors.push({ path: `${prefix}/${i}/endsAt`, message: 'A phase must end after it starts.' });
    }
  });
  return errors;
}

/** Addresses that organiser pages use below /events: an event cannot take them as its slug. */
const RESERVED_SLUGS = new Set(['new']);

function checkDetails(input: EventDetailsInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!input.name.trim()) errors.push(blank('/name'));
  if (!input.place.trim()) errors.push(blank('/place'));
  if (!isTimeZone(input.timeZone)) {
    errors.push({ path: '/timeZone', message: 'Use an IANA time zone, e.g. Europe/Oslo.' });
  }
  if (input.endsOn < input.startsOn) {
    errors.push({ path: '/endsOn', message: 'The event must end on or after its first day.' });
  }
  return errors;
}

async function checkSlugFree(db: Db, slug: string, eventId: string | null): Promise<void> {
  const other = await repo.findEventBySlug(db, slug);
  if (RESERVED_SLUGS.has(slug) || (other && other.id !== eventId)) {
    throw new AppError('conflict', 'An event with this address already exists.', [
      { path: '/slug', message: 'Choose another short name.' },
    ]);
  }
}

/** Creates an event with its rooms and time slots (site-wide event organisers). */
export async function createEvent(ctx: ServiceContext, raw: unknown): Promise<EventRecord> {
  authorize(ctx, 'event.manage', SITE);
  const input = parseOrThrow(EventInput, raw);
  const errors: FieldError[] = checkDetails(input);
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
    await checkSlugFree(trx, slug, null);
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

function checkCall(input: CallInput): FieldError[] {
  const errors: FieldError[] = [];
  if (!input.title.trim()) errors.push(blank('/title'));
  if (new Date(input.closesAt) <= new Date(input.opensAt)) {
    errors.push({ path: '/closesAt', message: 'The call must close after it opens.' });
  }
  const formats = new Set<string>();
  (input.formats ?? []).forEach((f, i) => {
    if (!isTerm('sessionFormat', f.code)) {
      errors.push({
        path: `/formats/${i}/code`,
        message: 'Choose a session format of the taxonomy.',
      });
    } else if (formats.has(f.code)) {
      errors.push({ path: `/formats/${i}/code`, message: 'Each format is offered once.' });
    }
    formats.add(f.code);
  });
  const codes = new Set<string>();
  (input.reviewCriteria ?? []).forEach((c, i) => {
    if (codes.has(c.code)) {
      errors.push({
        path: `/reviewCriteria/${i}/code`,
        message: 'Each criterion needs its own code.',
      });
    }
    codes.add(c.code);
  });
  errors.push(...checkPhases(input.phases, '/phases'));
  return errors;
}

async function insertPhases(trx: Db, callId: string, phases: CallInput['phases']) {
  for (const p of phases ?? []) {
    await repo.insertPhase(trx, {
      id: newId(),
      call_id: callId,
      name: p.name.trim(),
      starts_at: new Date(p.startsAt),
      ends_at: new Date(p.endsAt),
      reviewers_may_review: p.reviewersMayReview ?? true,
      see_others_scores: p.seeOthersScores ?? false,
      blind: p.blind ?? true,
      proposers_may_edit: p.proposersMayEdit ?? false,
    });
  }
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
  const errors = checkCall(input);
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
    await insertPhases(trx, row.id, input.phases);
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

/** Changes an event's name, address, place, dates, zone or description. */
export async function updateEvent(
  ctx: ServiceContext,
  eventId: string,
  raw: unknown,
): Promise<EventRecord> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const input = parseOrThrow(EventDetailsInput, raw);
  const errors = checkDetails(input);
  // Slots stay instants; a slot that would fall outside the new dates must be moved first.
  const zone = isTimeZone(input.timeZone) ? input.timeZone : event.timeZone;
  const outside = event.slots.filter((s) => {
    const day = localDay(s.startsAt, zone);
    return day < input.startsOn || day > input.endsOn;
  });
  if (outside.length && !errors.some((e) => e.path === '/endsOn')) {
    errors.push({
      path: '/startsOn',
      message: `${outside.length === 1 ? 'A time slot falls' : `${outside.length} time slots fall`} outside these dates: move or remove them first.`,
    });
  }
  if (errors.length) throw AppError.validation(errors);
  const slug = input.slug ?? event.slug;
  return ctx.db.transaction().execute(async (trx) => {
    await checkSlugFree(trx, slug, event.id);
    await repo.updateEvent(trx, event.id, {
      slug,
      name: input.name.trim(),
      place: input.place.trim(),
      description: input.description ?? '',
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      time_zone: input.timeZone,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'event.update',
      entityType: 'event',
      entityId: event.id,
      before: {
        slug: event.slug,
        name: event.name,
        startsOn: event.startsOn,
        endsOn: event.endsOn,
        timeZone: event.timeZone,
      },
      after: {
        slug,
        name: input.name.trim(),
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        timeZone: input.timeZone,
      },
      isPublic: true,
    });
    return loadEvent(ctx, event.id, trx);
  });
}

/**
 * Changes a call: its window, rules and phases (phases are replaced as a whole). Once reviews
 * exist, criteria keep their codes; a change of weights recomputes every review's weighted score
 * from the scores it gave, so the ranking follows the new weights.
 */
export async function updateCall(ctx: ServiceContext, callId: string, raw: unknown): Promise<Call> {
  const call = await loadCall(ctx, callId);
  authorize(ctx, 'event.manage', eventScope(call.eventId));
  const input = parseOrThrow(CallInput, raw);
  const errors = checkCall(input);
  if (errors.length) throw AppError.validation(errors);
  const criteria = input.reviewCriteria ?? call.reviewCriteria;
  return ctx.db.transaction().execute(async (trx) => {
    const reviews = await repo.reviewsOfCall(trx, call.id);
    const before = call.reviewCriteria
      .map((c) => c.code)
      .sort()
      .join(',');
    if (
      reviews.length &&
      criteria
        .map((c) => c.code)
        .sort()
        .join(',') !== before
    ) {
      throw AppError.validation([
        {
          path: '/reviewCriteria',
          message:
            'Reviews were given against these criteria: you may change their weights, not add or remove criteria.',
        },
      ]);
    }
    await repo.updateCall(trx, call.id, {
      title: input.title.trim(),
      description: input.description ?? '',
      opens_at: new Date(input.opensAt),
      closes_at: new Date(input.closesAt),
      reviews_per_proposal: input.reviewsPerProposal ?? call.reviewsPerProposal,
      formats: JSON.stringify(input.formats ?? call.formats),
      criteria: JSON.stringify({ ...call.criteria, ...input.criteria }),
      screening: JSON.stringify({ ...call.screening, ...input.screening }),
      review_criteria: JSON.stringify(criteria),
      report_due_days: input.reportDueDays ?? call.reportDueDays,
    });
    await repo.deletePhases(trx, call.id);
    await insertPhases(trx, call.id, input.phases);
    let rescored = 0;
    for (const r of reviews) {
      const scores = (typeof r.scores === 'string' ? JSON.parse(r.scores) : r.scores) as Record<
        string,
        number
      >;
      const weighted = weightedScore(scores, criteria);
      if (weighted !== Number(r.weighted)) {
        await repo.setReviewWeighted(trx, r.id, weighted);
        rescored += 1;
      }
    }
    await recordAudit(trx, ctx, {
      action: 'call.update',
      entityType: 'call',
      entityId: call.id,
      before: { opensAt: call.opensAt.toISOString(), closesAt: call.closesAt.toISOString() },
      after: { title: input.title, opensAt: input.opensAt, closesAt: input.closesAt, rescored },
      isPublic: true,
    });
    return loadCall(ctx, call.id, trx);
  });
}

/** Whether the actor may create events (site-wide organisers and site admins). */
export function canCreateEvents(ctx: ServiceContext): boolean {
  return isAllowed(ctx, 'event.manage', SITE);
}

export function countEvents(ctx: ServiceContext): Promise<number> {
  return repo.countEvents(ctx.readDb);
}

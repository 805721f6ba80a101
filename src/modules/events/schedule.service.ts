import type { Selectable } from 'kysely';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId, isUuid } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, isAllowed } from '../accounts/index.ts';
import * as repo from './events.repository.ts';
import { PlacementInput, ReportInput } from './events.schemas.ts';
import type {
  EventSessionsTable,
  SessionPeopleTable,
  SessionReportsTable,
} from './events.table.ts';
import { eventScope, loadCall, loadEvent } from './events.service.ts';
import type { EventRecord } from './events.present.ts';
import {
  checkPlacement,
  personKey,
  placement,
  reportStatus,
  type ReportStatus,
  type ScheduleConflict,
} from './schedule.ts';
import { buildCalendar } from './ical.ts';
import { localDay } from './zones.ts';

export interface SessionPerson {
  name: string;
  organisation: string;
  stakeholderGroup: string | null;
  role: string;
}

export interface Report {
  summary: string;
  keyTakeaways: string;
  callsToAction: string;
  onsiteAttendance: number | null;
  onlineAttendance: number | null;
  participation: Record<string, number>;
  liveFigures: Record<string, unknown>;
  filedAt: Date | null;
}

export interface Session {
  id: string;
  eventId: string;
  proposalId: string | null;
  title: string;
  description: string;
  format: string | null;
  themes: string[];
  roomId: string | null;
  room: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  durationMinutes: number;
  reportDueAt: Date | null;
  people: SessionPerson[];
  report: Report | null;
  /** A filed report is missing after its deadline. */
  reportOverdue: boolean;
  isDemo: boolean;
}

const json = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? fallback);

function toReport(row: Selectable<SessionReportsTable> | undefined): Report | null {
  if (!row) return null;
  return {
    summary: row.summary,
    keyTakeaways: row.key_takeaways,
    callsToAction: row.calls_to_action,
    onsiteAttendance: row.onsite_attendance,
    onlineAttendance: row.online_attendance,
    participation: json(row.participation, {}),
    liveFigures: json(row.live_figures, {}),
    filedAt: row.filed_at,
  };
}

function toSession(
  row: Selectable<EventSessionsTable>,
  event: EventRecord,
  people: Selectable<SessionPeopleTable>[],
  reports: Selectable<SessionReportsTable>[],
  now: Date,
): Session {
  const report = toReport(reports.find((r) => r.session_id === row.id));
  return {
    id: row.id,
    eventId: row.event_id,
    proposalId: row.proposal_id,
    title: row.title,
    description: row.description,
    format: row.format,
    themes: row.themes,
    roomId: row.room_id,
    room: event.rooms.find((r) => r.id === row.room_id)?.name ?? null,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    durationMinutes: row.duration_minutes,
    reportDueAt: row.report_due_at,
    people: people
      .filter((p) => p.session_id === row.id)
      .map((p) => ({
        name: p.name,
        organisation: p.organisation,
        stakeholderGroup: p.stakeholder_group,
        role: p.role,
      })),
    report,
    reportOverdue: !report?.filedAt && !!row.report_due_at && row.report_due_at < now,
    isDemo: row.is_demo,
  };
}

async function sessionsOfEvent(
  ctx: ServiceContext,
  event: EventRecord,
  db = ctx.readDb,
): Promise<Session[]> {
  const rows = await repo.sessionsOf(db, event.id);
  const ids = rows.map((r) => r.id);
  const [people, reports] = await Promise.all([
    repo.sessionPeopleOf(db, ids),
    repo.reportsOf(db, ids),
  ]);
  const now = ctx.clock.now();
  return rows.map((r) => toSession(r, event, people, reports, now));
}

function describeConflict(c: ScheduleConflict): string {
  switch (c.kind) {
    case 'slot-too-short':
      return `The session lasts ${c.sessionMinutes} minutes but the slot only ${c.slotMinutes}.`;
    case 'room-booked':
      return `The room is already booked at that time for "${c.otherTitle}".`;
    case 'person-busy':
      return `${c.person} is already in "${c.otherTitle}" at an overlapping time.`;
  }
}

/**
 * Places a session in a room and slot: an accepted proposal becomes a session (its confirmed
 * people come along), or an existing session moves. Conflicts are refused with their reasons.
 */
export async function placeSession(
  ctx: ServiceContext,
  eventId: string,
  raw: unknown,
): Promise<Session> {
  const input = parseOrThrow(PlacementInput, raw);
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const room = event.rooms.find((r) => r.id === input.roomId);
  const slot = event.slots.find((s) => s.id === input.slotId);
  const errors = [
    ...(room ? [] : [{ path: '/roomId', message: 'Choose a room of this event.' }]),
    ...(slot ? [] : [{ path: '/slotId', message: 'Choose a time slot of this event.' }]),
  ];
  if (!input.sessionId && !input.proposalId && !input.title) {
    errors.push({
      path: '/proposalId',
      message: 'Choose an accepted proposal, or give the session a title.',
    });
  }
  if (errors.length) throw AppError.validation(errors);
  return ctx.db.transaction().execute(async (trx) => {
    await repo.lockSessionsOfEvent(trx, event.id);
    const now = ctx.clock.now();
    const all = await sessionsOfEvent(ctx, event, trx);
    const allPeople = await repo.sessionPeopleOf(
      trx,
      all.map((s) => s.id),
    );
    let sessionId = input.sessionId ?? null;
    let duration: number;
    let people: Array<{
      name: string;
      email: string | null;
      role: string;
      organisation: string;
      stakeholder_group: string | null;
    }>;
    let fresh: Omit<
      Selectable<EventSessionsTable>,
      'room_id' | 'slot_id' | 'starts_at' | 'ends_at' | 'report_due_at'
    > | null = null;
    if (sessionId) {
      const existing = all.find((s) => s.id === sessionId);
      if (!existing) throw AppError.notFound('The session');
      duration = input.durationMinutes ?? existing.durationMinutes;
      people = allPeople.filter((p) => p.session_id === sessionId);
    } else if (input.proposalId) {
      const proposal = await repo.findProposal(trx, input.proposalId);
      const call = proposal ? await loadCall(ctx, proposal.call_id, trx) : null;
      if (!proposal || !call || call.eventId !== event.id) {
        throw AppError.validation([
          { path: '/proposalId', message: 'Choose a proposal of this event.' },
        ]);
      }
      if (proposal.decision !== 'accept' || proposal.status !== 'submitted') {
        throw AppError.validation([
          { path: '/proposalId', message: 'Only accepted proposals are scheduled.' },
        ]);
      }
      const already = all.find((s) => s.proposalId === proposal.id);
      if (already) sessionId = already.id;
      duration = input.durationMinutes ?? proposal.duration_minutes ?? 60;
      people = (await repo.peopleOf(trx, [proposal.id]))
        .filter(
          (p) => p.status === 'confirmed' && p.role !== 'proposer' && p.role !== 'co-proposer',
        )
        .map((p) => ({
          name: p.name,
          email: p.email,
          role: p.role,
          organisation: p.organisation,
          stakeholder_group: p.stakeholder_group,
        }));
      if (!already) {
        fresh = {
          id: newId(),
          event_id: event.id,
          proposal_id: proposal.id,
          title: proposal.title,
          description: proposal.content,
          format: proposal.format,
          themes: proposal.tags,
          duration_minutes: duration,
          is_demo: proposal.is_demo,
          created_at: now,
          updated_at: now,
        };
      }
    } else {
      duration = input.durationMinutes ?? 60;
      people = [];
      fresh = {
        id: newId(),
        event_id: event.id,
        proposal_id: null,
        title: input.title!,
        description: '',
        format: null,
        themes: [],
        duration_minutes: duration,
        is_demo: false,
        created_at: now,
        updated_at: now,
      };
    }
    const id = sessionId ?? fresh!.id;
    const others = all
      .filter((s) => s.id !== id && s.startsAt && s.endsAt)
      .map((s) => ({
        id: s.id,
        title: s.title,
        roomId: s.roomId,
        startsAt: s.startsAt!,
        endsAt: s.endsAt!,
        people: allPeople
          .filter((p) => p.session_id === s.id)
          .map((p) => ({ key: personKey(p), name: p.name })),
      }));
    const conflicts = checkPlacement(
      {
        id,
        durationMinutes: duration,
        people: people.map((p) => ({ key: personKey(p), name: p.name })),
      },
      slot!,
      room!.id,
      others,
    );
    if (conflicts.length) {
      throw new AppError(
        'conflict',
        conflicts.map(describeConflict).join(' '),
        conflicts.map((c) => ({
          path: c.kind === 'room-booked' ? '/roomId' : '/slotId',
          message: describeConflict(c),
        })),
      );
    }
    const at = placement(slot!, duration);
    const call = (await repo.callsOf(trx, event.id))[0];
    const dueDays = call?.report_due_days ?? 14;
    const placed = {
      room_id: room!.id,
      slot_id: slot!.id,
      starts_at: at.startsAt,
      ends_at: at.endsAt,
      duration_minutes: duration,
      report_due_at: new Date(at.endsAt.getTime() + dueDays * 86_400_000),
      updated_at: now,
    };
    if (fresh) {
      await repo.insertSession(trx, { ...fresh, ...placed });
      await repo.insertSessionPeople(
        trx,
        people.map((p, i) => ({ session_id: id, position: i, ...p })),
      );
    } else {
      await repo.updateSession(trx, id, placed);
    }
    await recordAudit(trx, ctx, {
      action: fresh ? 'session.schedule' : 'session.move',
      entityType: 'session',
      entityId: id,
      after: { room: room!.name, startsAt: at.startsAt.toISOString() },
      isPublic: true,
    });
    const [row] = (await repo.sessionsOf(trx, event.id)).filter((s) => s.id === id);
    return toSession(
      row!,
      event,
      await repo.sessionPeopleOf(trx, [id]),
      await repo.reportsOf(trx, [id]),
      now,
    );
  });
}

/** Takes a session out of its room and slot; it keeps its id, people and any report. */
export async function unscheduleSession(
  ctx: ServiceContext,
  eventId: string,
  sessionId: string,
): Promise<void> {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const row = isUuid(sessionId) ? await repo.findSession(ctx.readDb, sessionId) : undefined;
  if (!row || row.event_id !== event.id) throw AppError.notFound('The session');
  if (!row.starts_at) throw new AppError('conflict', 'This session is not scheduled.');
  await ctx.db.transaction().execute(async (trx) => {
    await repo.lockSessionsOfEvent(trx, event.id);
    await repo.updateSession(trx, row.id, {
      room_id: null,
      slot_id: null,
      starts_at: null,
      ends_at: null,
      report_due_at: null,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx, {
      action: 'session.unschedule',
      entityType: 'session',
      entityId: row.id,
      before: { startsAt: row.starts_at?.toISOString() ?? null },
      isPublic: true,
    });
  });
}

export interface BoardItem {
  /** The session's id, or the accepted proposal's id before it became a session. */
  key: string;
  sessionId: string | null;
  proposalId: string | null;
  title: string;
  durationMinutes: number;
  roomId: string | null;
  slotId: string | null;
  startsAt: Date | null;
  /** Accepted but not yet released to the proposers. */
  decisionPending: boolean;
}

/** What the organisers place on the board: every session, and accepted proposals not yet sessions. */
export async function scheduleBoard(ctx: ServiceContext, eventId: string) {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const [sessions, accepted] = await Promise.all([
    repo.sessionsOf(ctx.readDb, event.id),
    repo.unscheduledAccepted(ctx.readDb, event.id),
  ]);
  const items: BoardItem[] = [
    ...accepted.map((p) => ({
      key: p.id,
      sessionId: null,
      proposalId: p.id,
      title: p.title,
      durationMinutes: p.duration_minutes ?? 60,
      roomId: null,
      slotId: null,
      startsAt: null,
      decisionPending: p.decision_status !== 'released',
    })),
    ...sessions.map((s) => ({
      key: s.id,
      sessionId: s.id,
      proposalId: s.proposal_id,
      title: s.title,
      durationMinutes: s.duration_minutes,
      roomId: s.starts_at ? s.room_id : null,
      slotId: s.starts_at ? s.slot_id : null,
      startsAt: s.starts_at,
      decisionPending: false,
    })),
  ];
  return { event, items };
}

export interface ReportRow {
  session: Session;
  status: ReportStatus;
  rapporteurs: string[];
}

/** Every session with where its report stands, for the organisers (missing ones first). */
export async function reportsOverview(ctx: ServiceContext, eventId: string) {
  const event = await loadEvent(ctx, eventId);
  authorize(ctx, 'event.manage', eventScope(event.id));
  const now = ctx.clock.now();
  const sessions = await sessionsOfEvent(ctx, event);
  const order: Record<ReportStatus, number> = {
    overdue: 0,
    due: 1,
    upcoming: 2,
    filed: 3,
    unscheduled: 4,
  };
  const rows: ReportRow[] = sessions
    .map((s) => ({
      session: s,
      status: reportStatus(
        { endsAt: s.endsAt, reportDueAt: s.reportDueAt, filedAt: s.report?.filedAt ?? null },
        now,
      ),
      rapporteurs: s.people.filter((p) => p.role === 'rapporteur').map((p) => p.name),
    }))
    .sort(
      (a, b) =>
        order[a.status] - order[b.status] ||
        (a.session.startsAt?.getTime() ?? 0) - (b.session.startsAt?.getTime() ?? 0),
    );
  return { event, rows };
}

export interface ProgrammeFilters {
  day?: string;
  room?: string;
  theme?: string;
}

export interface Programme {
  event: EventRecord;
  days: Array<{ day: string; sessions: Session[] }>;
  unscheduled: number;
  themes: string[];
}

/** The public programme: scheduled sessions by day (in the event's zone), filtered by room and theme. */
export async function programme(
  ctx: ServiceContext,
  idOrSlug: string,
  filters: ProgrammeFilters = {},
): Promise<Programme> {
  const event = await loadEvent(ctx, idOrSlug);
  const sessions = await sessionsOfEvent(ctx, event);
  const scheduled = sessions.filter((s) => s.startsAt && s.endsAt);
  const themes = [...new Set(scheduled.flatMap((s) => s.themes))].sort();
  const days = new Map<string, Session[]>();
  for (const s of scheduled) {
    const day = localDay(s.startsAt!, event.timeZone);
    const list = days.get(day);
    if (list) list.push(s);
    else days.set(day, [s]);
  }
  const whole: Programme = {
    event,
    days: [...days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, list]) => ({ day, sessions: list })),
    unscheduled: sessions.length - scheduled.length,
    themes,
  };
  return filterProgramme(whole, filters);
}

/** The programme narrowed to a day, a room and a theme; days left empty go. Pure. */
export function filterProgramme(p: Programme, filters: ProgrammeFilters): Programme {
  if (!filters.day && !filters.room && !filters.theme) return p;
  return {
    ...p,
    days: p.days
      .filter((d) => !filters.day || d.day === filters.day)
      .map((d) => ({
        day: d.day,
        sessions: d.sessions.filter(
          (s) =>
            (!filters.room || s.roomId === filters.room) &&
            (!filters.theme || s.themes.includes(filters.theme)),
        ),
      }))
      .filter((d) => d.sessions.length > 0),
  };
}

/** All days of the programme, for the day filter (independent of the filters applied). */
export function programmeDays(p: Programme): string[] {
  return p.days.map((d) => d.day);
}

export async function getSession(
  ctx: ServiceContext,
  eventIdOrSlug: string,
  sessionId: string,
): Promise<{ event: EventRecord; session: Session }> {
  if (!isUuid(sessionId)) throw AppError.notFound('The session');
  const event = await loadEvent(ctx, eventIdOrSlug);
  const session = (await sessionsOfEvent(ctx, event)).find((s) => s.id === sessionId);
  if (!session) throw AppError.notFound('The session');
  return { event, session };
}

export async function allSessions(ctx: ServiceContext, eventIdOrSlug: string) {
  const event = await loadEvent(ctx, eventIdOrSlug);
  return { event, sessions: await sessionsOfEvent(ctx, event) };
}

/** For the live module: a scheduled session with what a live room needs to show. */
export async function getScheduledSession(ctx: ServiceContext, id: string) {
  if (!isUuid(id)) throw AppError.notFound('The session');
  const row = await repo.findSession(ctx.readDb, id);
  if (!row || !row.starts_at || !row.ends_at) throw AppError.notFound('The session');
  const event = await loadEvent(ctx, row.event_id);
  const people = await repo.sessionPeopleOf(ctx.readDb, [id]);
  return {
    id: row.id,
    eventId: event.id,
    eventSlug: event.slug,
    title: row.title,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    room: event.rooms.find((r) => r.id === row.room_id)?.name ?? null,
    timeZone: event.timeZone,
    speakers: people.map((p) => ({
      name: p.name,
      stakeholderGroup: p.stakeholder_group,
      role: p.role,
    })),
  };
}

export interface SessionFigures {
  /** Seconds spoken, by stakeholder group or by speaker role. */
  speakingSeconds?: Record<string, number>;
  questionsAsked?: number;
  questionsAnswered?: number;
  remoteQuestions?: number;
  votes?: number;
  [key: string]: unknown;
}

/** For the live module: figures from a live session, kept beside the rapporteur's report. */
export async function recordSessionFigures(
  ctx: ServiceContext,
  sessionId: string,
  figures: SessionFigures,
) {
  const row = isUuid(sessionId) ? await repo.findSession(ctx.readDb, sessionId) : undefined;
  if (!row) throw AppError.notFound('The session');
  authorize(ctx, 'session.moderate', eventScope(row.event_id));
  const text = JSON.stringify(figures);
  if (text.length > 20000) throw new AppError('payload_too_large', 'These figures are too large.');
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    await repo.upsertReport(
      trx,
      {
        session_id: sessionId,
        author_id: null,
        live_figures: text,
        participation: '{}',
        onsite_attendance: null,
        online_attendance: null,
        filed_at: null,
        updated_at: now,
      },
      { live_figures: text, updated_at: now },
    );
    await recordAudit(trx, ctx, {
      action: 'session.figures',
      entityType: 'session',
      entityId: sessionId,
      after: figures,
    });
  });
}

/** Who may file a session's report: organisers, rapporteurs of the event, or the session's own rapporteur. */
async function mayReport(
  ctx: ServiceContext,
  row: Selectable<EventSessionsTable>,
): Promise<boolean> {
  if (isAllowed(ctx, 'session.report', eventScope(row.event_id))) return true;
  if (!ctx.actor.userId) return false;
  const user = await repo.findUserEmail(ctx.readDb, ctx.actor.userId);
  const people = await repo.sessionPeopleOf(ctx.readDb, [row.id]);
  return (
    !!user &&
    people.some(
      (p) => p.role === 'rapporteur' && p.email?.toLowerCase() === user.email.toLowerCase(),
    )
  );
}

export async function canFileReport(ctx: ServiceContext, sessionId: string): Promise<boolean> {
  const row = isUuid(sessionId) ? await repo.findSession(ctx.readDb, sessionId) : undefined;
  return !!row && (await mayReport(ctx, row));
}

/** The rapporteur files (or updates) the report; it is published with the session at once. */
export async function fileReport(ctx: ServiceContext, sessionId: string, raw: unknown) {
  const input = parseOrThrow(ReportInput, raw);
  const row = isUuid(sessionId) ? await repo.findSession(ctx.readDb, sessionId) : undefined;
  if (!row) throw AppError.notFound('The session');
  if (!ctx.actor.userId && ctx.actor.via !== 'system')
    throw new AppError('unauthenticated', 'Please sign in to do this.');
  if (!(await mayReport(ctx, row)))
    throw AppError.forbidden('Only the session’s rapporteur or the organisers file its report.');
  if (!row.starts_at) throw new AppError('conflict', 'A report is filed for a scheduled session.');
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.clock.now();
    const values = {
      summary: input.summary,
      key_takeaways: input.keyTakeaways ?? '',
      calls_to_action: input.callsToAction ?? '',
      onsite_attendance: input.onsiteAttendance ?? null,
      online_attendance: input.onlineAttendance ?? null,
      participation: JSON.stringify(input.participation ?? {}),
      author_id: ctx.actor.userId,
      updated_at: now,
    };
    const before = (await repo.reportsOf(trx, [sessionId]))[0];
    await repo.upsertReport(
      trx,
      { session_id: sessionId, ...values, filed_at: now, live_figures: '{}' },
      { ...values, filed_at: before?.filed_at ?? now },
    );
    await recordAudit(trx, ctx, {
      action: before?.filed_at ? 'session.report.update' : 'session.report.file',
      entityType: 'session',
      entityId: sessionId,
      after: { summaryLength: input.summary.length },
      isPublic: true,
    });
  });
}

// Personal agenda and calendars --------------------------------------------------------------

export async function agenda(ctx: ServiceContext, eventIdOrSlug: string): Promise<Set<string>> {
  if (!ctx.actor.userId) return new Set();
  const event = await loadEvent(ctx, eventIdOrSlug);
  return new Set(
    (await repo.agendaOf(ctx.readDb, ctx.actor.userId, event.id)).map((r) => r.session_id),
  );
}

export async function setAgenda(ctx: ServiceContext, sessionId: string, add: boolean) {
  if (!ctx.actor.userId)
    throw new AppError('unauthenticated', 'Please sign in to keep a personal agenda.');
  const row = isUuid(sessionId) ? await repo.findSession(ctx.readDb, sessionId) : undefined;
  if (!row || !row.starts_at) throw AppError.notFound('The session');
  await ctx.db.transaction().execute(async (trx) => {
    if (add) await repo.addAgendaItem(trx, ctx.actor.userId!, sessionId, ctx.clock.now());
    else await repo.removeAgendaItem(trx, ctx.actor.userId!, sessionId);
    await recordAudit(trx, ctx, {
      action: add ? 'agenda.add' : 'agenda.remove',
      entityType: 'session',
      entityId: sessionId,
    });
  });
}

export function calendarOf(
  ctx: ServiceContext,
  event: EventRecord,
  sessions: readonly Session[],
  name: string,
): string {
  return buildCalendar({
    name,
    timeZone: event.timeZone,
    location: event.place,
    sessions: sessions
      .filter((s) => s.startsAt && s.endsAt)
      .map((s) => ({
        id: s.id,
        title: s.title,
        description: s.description,
        startsAt: s.startsAt!,
        endsAt: s.endsAt!,
        room: s.room,
        url: `${ctx.config.baseUrl}/events/${event.slug}/sessions/${s.id}`,
      })),
  }).toString();
}

/** Sessions whose report is overdue, for the organisers' dashboard. */
export async function missingReports(ctx: ServiceContext, eventIdOrSlug: string) {
  const { sessions } = await allSessions(ctx, eventIdOrSlug);
  return sessions.filter((s) => s.reportOverdue);
}

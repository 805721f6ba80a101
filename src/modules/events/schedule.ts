/**
 * Schedule rules: a session goes into a room and a time slot; a placement that would put a person
 * in two overlapping sessions, book a room twice or overrun its slot is refused with the reason.
 */
export interface ScheduledPerson {
  /** Identity across sessions: the email address, else the name, normalised. */
  key: string;
  name: string;
}

export interface PlacedSession {
  id: string;
  title: string;
  roomId: string | null;
  startsAt: Date;
  endsAt: Date;
  people: readonly ScheduledPerson[];
}

export type ScheduleConflict =
  | { kind: 'slot-too-short'; slotMinutes: number; sessionMinutes: number }
  | { kind: 'room-booked'; otherId: string; otherTitle: string }
  | { kind: 'person-busy'; person: string; otherId: string; otherTitle: string };

export function personKey(p: { email?: string | null; name: string }): string {
  const email = p.email?.trim().toLowerCase();
  if (email) return email;
  return p.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

export function minutesBetween(start: Date, end: Date): number {
  return Math.round((end.getTime() - start.getTime()) / 60000);
}

/** Where the session would sit: it starts with its slot and lasts its own duration. */
export function placement(slot: { startsAt: Date }, durationMinutes: number) {
  return {
    startsAt: slot.startsAt,
    endsAt: new Date(slot.startsAt.getTime() + durationMinutes * 60000),
  };
}

export function checkPlacement(
  session: { id: string; durationMinutes: number; people: readonly ScheduledPerson[] },
  slot: { startsAt: Date; endsAt: Date },
  roomId: string,
  others: readonly PlacedSession[],
): ScheduleConflict[] {
  const conflicts: ScheduleConflict[] = [];
  const slotMinutes = minutesBetween(slot.startsAt, slot.endsAt);
  if (session.durationMinutes > slotMinutes) {
    conflicts.push({
      kind: 'slot-too-short',
      slotMinutes,
      sessionMinutes: session.durationMinutes,
    });
  }
  const at = placement(slot, session.durationMinutes);
  const keys = new Map(session.people.map((p) => [p.key, p.name]));
  for (const other of others) {
    if (other.id === session.id || !overlaps(at, other)) continue;
    if (other.roomId === roomId) {
      conflicts.push({ kind: 'room-booked', otherId: other.id, otherTitle: other.title });
    }
    for (const person of other.people) {
      const name = keys.get(person.key);
      if (name !== undefined) {
        conflicts.push({
          kind: 'person-busy',
          person: name,
          otherId: other.id,
          otherTitle: other.title,
        });
      }
    }
  }
  return conflicts;
}

export type ReportStatus = 'filed' | 'upcoming' | 'due' | 'overdue' | 'unscheduled';

/**
 * Where a session's report stands at `now`: filed; the session has not ended yet; it ended and
 * the report is due (before its deadline); overdue (after it); or the session is not scheduled.
 */
export function reportStatus(
  s: { endsAt: Date | null; reportDueAt: Date | null; filedAt: Date | null },
  now: Date,
): ReportStatus {
  if (s.filedAt) return 'filed';
  if (!s.endsAt) return 'unscheduled';
  if (now < s.endsAt) return 'upcoming';
  if (s.reportDueAt && now >= s.reportDueAt) return 'overdue';
  return 'due';
}

/**
 * iCalendar files for one session, a personal agenda or a whole programme, with times in the
 * event's own zone (TZID plus a VTIMEZONE block), built with ical-generator.
 */
import ical, { type ICalCalendar } from 'ical-generator';
import { vtimezone, wallClock } from './zones.ts';

export interface CalendarSession {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  room: string | null;
  url: string;
}

/**
 * ical-generator formats a native Date in the process's own zone; a zoned date-time in the shape
 * of Temporal.ZonedDateTime makes it write the wall clock of the event's zone instead.
 */
function zoned(instant: Date, timeZone: string) {
  const w = wallClock(instant, timeZone);
  const plain = {
    ...w,
    toZonedDateTime: () => zonedValue,
    toPlainDate: () => ({ year: w.year, month: w.month, day: w.day }),
  };
  const zonedValue = {
    ...w,
    timeZoneId: timeZone,
    epochMilliseconds: instant.getTime(),
    toPlainDateTime: () => plain,
    withTimeZone: () => zonedValue,
    toInstant: () => ({ epochMilliseconds: instant.getTime() }),
    toJSON: () => instant.toISOString(),
    toString: () => instant.toISOString(),
  };
  return zonedValue;
}

export function buildCalendar(options: {
  name: string;
  timeZone: string;
  sessions: readonly CalendarSession[];
  location?: string;
  uidDomain?: string;
}): ICalCalendar {
  const instants = options.sessions.flatMap((s) => [s.startsAt, s.endsAt]);
  const calendar = ical({
    name: options.name,
    prodId: { company: 'Capacity Commons', product: 'events', language: 'EN' },
    timezone: { name: options.timeZone, generator: (tz) => vtimezone(tz, instants) },
  });
  for (const s of options.sessions) {
    calendar.createEvent({
      id: `${s.id}@${options.uidDomain ?? 'capacity-commons'}`,
      start: zoned(s.startsAt, options.timeZone) as never,
      end: zoned(s.endsAt, options.timeZone) as never,
      timezone: options.timeZone,
      summary: s.title,
      description: s.description,
      location: [s.room, options.location].filter(Boolean).join(', ') || null,
      url: s.url,
      stamp: s.startsAt,
    });
  }
  return calendar;
}

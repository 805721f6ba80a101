/**
 * Calendar arithmetic in a named time zone, with nothing but the platform's Intl data. Deadlines are
 * stored as instants (timestamptz); these helpers turn "the end of the tenth day in New York" into
 * one, whatever the server's own zone and whatever daylight-saving change falls in between.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = partsFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. "America/New_York", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: Date, timeZone: string): WallClock {
  const out: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** The zone's offset from UTC at `instant`, in milliseconds (New York in winter: -5 h). */
export function offsetAt(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = instant.getTime() - (instant.getTime() % 1000);
  return asUtc - whole;
}

/** The calendar date ("YYYY-MM-DD") that `instant` falls on in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** `date` ("YYYY-MM-DD") plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + days));
  return next.toISOString().slice(0, 10);
}

/**
 * The instant a calendar day starts in `timeZone`. Two passes settle the offset when a
 * daylight-saving change lies between UTC midnight and local midnight. Where midnight itself is
 * skipped (a few zones move their clocks at 00:00), this is the first instant of that day.
 */
export function startOfDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = Date.UTC(y, m - 1, d);
  let guess = target;
  for (let pass = 0; pass < 2; pass++) guess = target - offsetAt(new Date(guess), timeZone);
  // A skipped midnight lands on the previous day: step forward to the day itself.
  if (localDate(new Date(guess), timeZone) !== date) guess += 60 * 60 * 1000;
  return new Date(guess);
}

/**
 * When a non-objection period ends: at midnight in the process's zone after `days` whole calendar
 * days counted from the day of `from` there. Submitted at 23:30 on 8 March in New York with a
 * ten-day period → ends at 00:00 on 19 March, New York time (which is 04:00 UTC, daylight time).
 */
export function periodEnd(from: Date, days: number, timeZone: string): Date {
  return startOfDay(addDays(localDate(from, timeZone), days + 1), timeZone);
}

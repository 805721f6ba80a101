/**
 * Time-zone helpers from the platform's Intl data: wall-clock parts of an instant in a zone, the
 * calendar day an instant falls on there, and a VTIMEZONE block for iCalendar files so that
 * calendars place sessions correctly without knowing the zone themselves.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return value.length > 0 && value.length <= 64;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of the day `instant` falls on in `timeZone`. */
export function localDay(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** 'HH:MM' in `timeZone`. */
export function localTime(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** Minutes to add to UTC to get the wall clock in `timeZone` at `instant`. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** The instant at which the wall clock in `timeZone` shows `date` 'YYYY-MM-DD' and `time` 'HH:MM'. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const guess = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  // Two rounds settle the offset, including on the day a transition happens.
  let instant = guess - offsetMinutes(new Date(guess), timeZone) * 60000;
  instant = guess - offsetMinutes(new Date(instant), timeZone) * 60000;
  return new Date(instant);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${pad(m % 60)}`;
}

function icalLocal(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

/** Offset transitions of `timeZone` between two instants, found by scanning days then bisecting. */
export function transitions(
  timeZone: string,
  from: Date,
  to: Date,
): Array<{ at: Date; before: number; after: number }> {
  const found: Array<{ at: Date; before: number; after: number }> = [];
  const day = 86_400_000;
  let t = from.getTime();
  let current = offsetMinutes(from, timeZone);
  while (t < to.getTime()) {
    const next = Math.min(t + day, to.getTime());
    const offset = offsetMinutes(new Date(next), timeZone);
    if (offset !== current) {
      let lo = t;
      let hi = next;
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000;
        if (offsetMinutes(new Date(mid), timeZone) === current) lo = mid;
        else hi = mid;
      }
      found.push({ at: new Date(hi), before: current, after: offset });
      current = offset;
    }
    t = next;
  }
  return found;
}

/**
 * A VTIMEZONE for `timeZone` valid around the given instants (a year either side): one
 * observance per transition, or one fixed observance for zones without daylight saving time.
 */
export function vtimezone(timeZone: string, around: readonly Date[] = [new Date()]): string {
  const times = around.length ? around.map((d) => d.getTime()) : [Date.now()];
  const from = new Date(Math.min(...times) - 366 * 86_400_000);
  const to = new Date(Math.max(...times) + 366 * 86_400_000);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const list = transitions(timeZone, from, to);
  if (list.length === 0) {
    const offset = formatOffset(offsetMinutes(from, timeZone));
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
    );
  } else {
    const first = list[0]!;
    // The offset in force before the first transition, from the start of the window.
    lines.push(
      'BEGIN:STANDARD',
      `DTSTART:${icalLocal(from, timeZone)}`,
      `TZOFFSETFROM:${formatOffset(first.before)}`,
      `TZOFFSETTO:${formatOffset(first.before)}`,
      'END:STANDARD',
    );
    for (const tr of list) {
      const kind = tr.after > tr.before ? 'DAYLIGHT' : 'STANDARD';
      // DTSTART of an observance is the local time, in the offset before the change (RFC 5545).
      lines.push(
        `BEGIN:${kind}`,
        `DTSTART:${icalLocalWithOffset(tr.at, tr.before)}`,
        `TZOFFSETFROM:${formatOffset(tr.before)}`,
        `TZOFFSETTO:${formatOffset(tr.after)}`,
        `END:${kind}`,
      );
    }
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}

function icalLocalWithOffset(instant: Date, offset: number): string {
  const d = new Date(instant.getTime() + offset * 60000);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

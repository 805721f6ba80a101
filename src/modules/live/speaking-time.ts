/**
 * Speaking-time balance: pure arithmetic over turns, so that it is easy to test and to explain.
 *
 * Voices: every panellist, and the floor (people in the room and remote participants together).
 * A voice's fair share is the speaking time so far divided by the number of voices; a voice is
 * flagged when it has spoken more than FAIR_SHARE_TOLERANCE times its fair share, once at least
 * WARN_AFTER_SECONDS have been spoken (the first minutes say little). A speaking moderator is
 * counted in the totals but is not a voice to balance.
 */
import type { Origin } from './live.ts';

export const FAIR_SHARE_TOLERANCE = 1.25;
export const WARN_AFTER_SECONDS = 120;

export const FLOOR_ROOM = 'floor:room';
export const FLOOR_REMOTE = 'floor:remote';
export const FLOOR_GROUP = 'floor';

export interface Speaker {
  /** A panellist id, or FLOOR_ROOM / FLOOR_REMOTE. */
  key: string;
  name: string;
  stakeholderGroup: string;
  role: 'panellist' | 'moderator' | 'floor';
  origin: Origin;
}

export interface Turn {
  key: string;
  startedAt: Date;
  endedAt: Date | null;
}

export interface SpeakerFigure extends Speaker {
  seconds: number;
  /** Of all speaking time, 0–1. */
  share: number;
  /** Whether this voice (a panellist, or the floor as a whole) is past its fair share. */
  overFairShare: boolean;
  speaking: boolean;
}

export interface GroupFigure {
  group: string;
  seconds: number;
  share: number;
}

export interface SpeakingTimeFigures {
  totalSeconds: number;
  voices: number;
  /** Seconds each voice would have with perfectly equal time. */
  fairShareSeconds: number;
  speakers: SpeakerFigure[];
  byGroup: GroupFigure[];
  byOrigin: { room: number; remote: number };
  /** The floor's time split by where the speaker was. */
  floor: { room: number; remote: number };
  current: { key: string; startedAt: string } | null;
  warnings: string[];
}

/** The two floor "speakers" every session has. */
export function floorSpeakers(names: { room: string; remote: string }): Speaker[] {
  return [
    {
      key: FLOOR_ROOM,
      name: names.room,
      stakeholderGroup: FLOOR_GROUP,
      role: 'floor',
      origin: 'room',
    },
    {
      key: FLOOR_REMOTE,
      name: names.remote,
      stakeholderGroup: FLOOR_GROUP,
      role: 'floor',
      origin: 'remote',
    },
  ];
}

function seconds(turn: Turn, now: Date): number {
  const end = turn.endedAt ?? now;
  return Math.max(0, (end.getTime() - turn.startedAt.getTime()) / 1000);
}

const round = (n: number) => Math.round(n * 10) / 10;
const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 1000) / 1000 : 0;

export function speakingTime(
  speakers: readonly Speaker[],
  turns: readonly Turn[],
  now: Date,
): SpeakingTimeFigures {
  const perKey = new Map<string, number>();
  for (const turn of turns) perKey.set(turn.key, (perKey.get(turn.key) ?? 0) + seconds(turn, now));
  const open = turns.find((t) => t.endedAt === null) ?? null;

  const total = [...perKey.values()].reduce((a, b) => a + b, 0);
  const panellists = speakers.filter((s) => s.role === 'panellist');
  const hasFloor = speakers.some((s) => s.role === 'floor');
  const voices = panellists.length + (hasFloor ? 1 : 0);
  const fair = voices > 0 ? total / voices : 0;
  const floorSeconds = speakers
    .filter((s) => s.role === 'floor')
    .reduce((sum, s) => sum + (perKey.get(s.key) ?? 0), 0);
  const over = (secs: number) =>
    total >= WARN_AFTER_SECONDS && voices > 1 && secs > fair * FAIR_SHARE_TOLERANCE;

  const figures: SpeakerFigure[] = speakers.map((s) => {
    const secs = perKey.get(s.key) ?? 0;
    return {
      ...s,
      seconds: round(secs),
      share: ratio(secs, total),
      overFairShare:
        s.role === 'panellist' ? over(secs) : s.role === 'floor' ? over(floorSeconds) : false,
      speaking: open?.key === s.key,
    };
  });

  const groups = new Map<string, number>();
  for (const s of speakers) {
    groups.set(
      s.stakeholderGroup,
      (groups.get(s.stakeholderGroup) ?? 0) + (perKey.get(s.key) ?? 0),
    );
  }
  const byGroup = [...groups]
    .map(([group, secs]) => ({ group, seconds: round(secs), share: ratio(secs, total) }))
    .sort((a, b) => b.seconds - a.seconds || a.group.localeCompare(b.group));

  const byOrigin = { room: 0, remote: 0 };
  const floor = { room: 0, remote: 0 };
  for (const s of speakers) {
    const secs = perKey.get(s.key) ?? 0;
    byOrigin[s.origin] += secs;
    if (s.role === 'floor') floor[s.origin] += secs;
  }

  const warnings: string[] = [];
  for (const f of figures) if (f.overFairShare && f.role === 'panellist') warnings.push(f.key);
  if (hasFloor && over(floorSeconds)) warnings.push(FLOOR_GROUP);

  return {
    totalSeconds: round(total),
    voices,
    fairShareSeconds: round(fair),
    speakers: figures,
    byGroup,
    byOrigin: { room: round(byOrigin.room), remote: round(byOrigin.remote) },
    floor: { room: round(floor.room), remote: round(floor.remote) },
    current: open ? { key: open.key, startedAt: open.startedAt.toISOString() } : null,
    warnings,
  };
}

/** "12:05" or "1:02:03", for the console and the report. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

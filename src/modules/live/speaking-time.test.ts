import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FLOOR_REMOTE,
  FLOOR_ROOM,
  floorSpeakers,
  formatDuration,
  speakingTime,
  type Speaker,
  type Turn,
} from './speaking-time.ts';

const T0 = new Date('2026-06-24T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const turn = (key: string, from: number, to: number | null): Turn => ({
  key,
  startedAt: at(from),
  endedAt: to === null ? null : at(to),
});

const speakers: Speaker[] = [
  { key: 'gov', name: 'A', stakeholderGroup: 'government', role: 'panellist', origin: 'room' },
  { key: 'cso', name: 'B', stakeholderGroup: 'civil-society', role: 'panellist', origin: 'remote' },
  {
    key: 'tech',
    name: 'C',
    stakeholderGroup: 'technical-community',
    role: 'panellist',
    origin: 'room',
  },
  { key: 'mod', name: 'M', stakeholderGroup: 'igo', role: 'moderator', origin: 'room' },
  ...floorSpeakers({ room: 'Floor room', remote: 'Floor remote' }),
];

describe('speaking time', () => {
  it('totals per person, per group and room versus remote, with the open turn counted up to now', () => {
    const figures = speakingTime(
      speakers,
      [
        turn('gov', 0, 300),
        turn('mod', 300, 360),
        turn('cso', 360, 480),
        turn(FLOOR_REMOTE, 480, 540),
        turn(FLOOR_ROOM, 540, 600),
        turn('gov', 600, null),
      ],
      at(660),
    );
    expect(figures.totalSeconds).toBe(660);
    const by = Object.fromEntries(figures.speakers.map((s) => [s.key, s.seconds]));
    expect(by).toEqual({
      gov: 360,
      cso: 120,
      tech: 0,
      mod: 60,
      [FLOOR_ROOM]: 60,
      [FLOOR_REMOTE]: 60,
    });
    expect(figures.byOrigin).toEqual({ room: 480, remote: 180 });
    expect(figures.floor).toEqual({ room: 60, remote: 60 });
    expect(figures.byGroup[0]).toEqual({ group: 'government', seconds: 360, share: 0.545 });
    expect(figures.current).toEqual({ key: 'gov', startedAt: at(600).toISOString() });
    expect(figures.speakers.find((s) => s.key === 'gov')?.speaking).toBe(true);
  });

  it('counts each panellist and the floor as one voice each, and flags past 1.25 × the fair share', () => {
    // Voices: gov, cso, tech, floor → 4; the moderator is not a voice to balance.
    const figures = speakingTime(
      speakers,
      [
        turn('gov', 0, 200),
        turn('cso', 200, 300),
        turn('mod', 300, 700),
        turn(FLOOR_ROOM, 700, 800),
      ],
      at(800),
    );
    expect(figures.voices).toBe(4);
    expect(figures.fairShareSeconds).toBe(200);
    // gov has 200 s = its fair share: no warning. The moderator's 400 s warn nobody.
    expect(figures.warnings).toEqual([]);
    const more = speakingTime(speakers, [turn('gov', 0, 600), turn('cso', 600, 700)], at(700));
    expect(more.fairShareSeconds).toBe(175);
    expect(more.warnings).toEqual(['gov']);
    expect(more.speakers.find((s) => s.key === 'gov')?.overFairShare).toBe(true);
  });

  it('flags the floor as a whole, and stays quiet in the first two minutes', () => {
    const floor = speakingTime(
      speakers,
      [turn(FLOOR_ROOM, 0, 400), turn(FLOOR_REMOTE, 400, 600), turn('gov', 600, 700)],
      at(700),
    );
    expect(floor.warnings).toEqual(['floor']);
    expect(floor.speakers.filter((s) => s.overFairShare).map((s) => s.key)).toEqual([
      FLOOR_ROOM,
      FLOOR_REMOTE,
    ]);
    const early = speakingTime(speakers, [turn('gov', 0, 100)], at(100));
    expect(early.warnings).toEqual([]);
  });

  it('keeps its sums consistent for any turns', () => {
    const keys = speakers.map((s) => s.key);
    const turns = fc.array(fc.record({ key: fc.constantFrom(...keys), length: fc.nat(600) }), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(turns, (list) => {
        let t = 0;
        const timed = list.map((x) => {
          const tt = turn(x.key, t, t + x.length);
          t += x.length;
          return tt;
        });
        const f = speakingTime(speakers, timed, at(t));
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        expect(f.totalSeconds).toBe(t);
        expect(sum(f.speakers.map((s) => s.seconds))).toBeCloseTo(t, 5);
        expect(sum(f.byGroup.map((g) => g.seconds))).toBeCloseTo(t, 5);
        expect(f.byOrigin.room + f.byOrigin.remote).toBeCloseTo(t, 5);
        for (const w of f.warnings) expect(w === 'floor' || keys.includes(w)).toBe(true);
      }),
    );
  });

  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65.9)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});

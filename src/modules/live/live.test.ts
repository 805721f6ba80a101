import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CODE_ALPHABET,
  MODERATION_ACTIONS,
  audiencesFor,
  isCode,
  isPublic,
  makeCode,
  nextStatus,
  normaliseText,
  orderQuestions,
  presenterQueue,
  sseFrame,
  zonedToUtc,
  type Orderable,
  type QuestionStatus,
} from './live.ts';

const q = (id: string, over: Partial<Orderable> = {}): Orderable => ({
  id,
  status: 'approved',
  origin: 'room',
  votes: 0,
  createdAt: `2026-06-24T09:00:0${id.length}Z`,
  answeredAt: null,
  ...over,
});

describe('moderation rules', () => {
  it('moves questions between statuses as moderators expect', () => {
    expect(nextStatus('pending', 'approve')).toBe('approved');
    expect(nextStatus('pending', 'pin')).toBe('pinned');
    expect(nextStatus('pending', 'hide')).toBe('hidden');
    expect(nextStatus('hidden', 'approve')).toBe('approved');
    expect(nextStatus('answered', 'approve')).toBe('approved');
    expect(nextStatus('pinned', 'unpin')).toBe('approved');
    expect(nextStatus('pinned', 'answer')).toBe('answered');
    expect(nextStatus('approved', 'merge')).toBe('merged');
  });

  it('refuses actions that change nothing, and anything on a merged question', () => {
    expect(nextStatus('approved', 'approve')).toBeNull();
    expect(nextStatus('hidden', 'hide')).toBeNull();
    expect(nextStatus('hidden', 'pin')).toBeNull();
    expect(nextStatus('approved', 'unpin')).toBeNull();
    expect(nextStatus('answered', 'answer')).toBeNull();
    for (const action of MODERATION_ACTIONS) expect(nextStatus('merged', action)).toBeNull();
  });

  it('shows participants only approved, pinned and answered questions', () => {
    const all: QuestionStatus[] = ['pending', 'approved', 'pinned', 'answered', 'hidden', 'merged'];
    expect(all.filter(isPublic)).toEqual(['approved', 'pinned', 'answered']);
  });
});

describe('question order', () => {
  it('puts the pinned question first, then by votes and age, answered last', () => {
    const list = [
      q('a', { votes: 1 }),
      q('bb', { votes: 5 }),
      q('ccc', { status: 'answered', answeredAt: '2026-06-24T09:10:00Z', votes: 9 }),
      q('dddd', { status: 'pinned' }),
      q('e', { votes: 5, createdAt: '2026-06-24T08:00:00Z' }),
    ];
    expect(orderQuestions(list, false).map((x) => x.id)).toEqual(['dddd', 'e', 'bb', 'a', 'ccc']);
  });

  it('brings remote questions first during the remote segment', () => {
    const list = [
      q('a', { votes: 9 }),
      q('b', { origin: 'remote', votes: 1 }),
      q('c', { votes: 3 }),
    ];
    expect(orderQuestions(list, true).map((x) => x.id)).toEqual(['b', 'a', 'c']);
    expect(orderQuestions(list, false).map((x) => x.id)).toEqual(['a', 'c', 'b']);
  });

  it('gives the presenter the current question and the next ones', () => {
    const list = [q('a', { votes: 2 }), q('b', { status: 'pinned' }), q('c', { votes: 3 }), q('d')];
    const { current, next } = presenterQueue(list, false, 2);
    expect(current?.id).toBe('b');
    expect(next.map((x) => x.id)).toEqual(['c', 'a']);
    expect(presenterQueue([q('a')], false).current).toBeNull();
  });

  it('is a total order: the same list in any order sorts the same', () => {
    const item = fc.record({
      id: fc.uuid(),
      status: fc.constantFrom<QuestionStatus>('approved', 'answered'),
      origin: fc.constantFrom('room' as const, 'remote' as const),
      votes: fc.nat(20),
      createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      answeredAt: fc.constant('2026-06-24T10:00:00.000Z'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(item, { selector: (x) => x.id }), fc.boolean(), (list, remote) => {
        const once = orderQuestions(list, remote).map((x) => x.id);
        const reversed = orderQuestions([...list].reverse(), remote).map((x) => x.id);
        expect(reversed).toEqual(once);
      }),
    );
  });
});

describe('text, codes, times and frames', () => {
  it('normalises what people type', () => {
    expect(normaliseText('  Hello\u0000   world\r\n\r\n\r\n\r\nBye \t ')).toBe(
      'Hello world\n\nBye',
    );
  });

  it('makes short codes from the unambiguous alphabet only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const code = makeCode(() => bytes);
        expect(isCode(code)).toBe(true);
        expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true);
      }),
    );
    expect(isCode('ABC0O1')).toBe(false);
  });

  it('turns a wall-clock time in a zone into the right instant, across daylight saving', () => {
    expect(zonedToUtc('2026-06-24T14:30', 'Europe/Zurich')?.toISOString()).toBe(
      '2026-06-24T12:30:00.000Z',
    );
    expect(zonedToUtc('2026-01-24T14:30', 'Europe/Zurich')?.toISOString()).toBe(
      '2026-01-24T13:30:00.000Z',
    );
    expect(zonedToUtc('2026-06-24T09:00', 'Pacific/Fiji')?.toISOString()).toBe(
      '2026-06-23T21:00:00.000Z',
    );
    expect(zonedToUtc('2026-06-24T09:00', 'UTC')?.toISOString()).toBe('2026-06-24T09:00:00.000Z');
    expect(zonedToUtc('2026-02-30T09:00', 'UTC')).toBeNull();
    expect(zonedToUtc('2026-06-24 09:00', 'UTC')).toBeNull();
    expect(zonedToUtc('2026-06-24T09:00', 'Nowhere/City')).toBeNull();
  });

  it('frames events with the sequence number as the id', () => {
    expect(sseFrame(42, 'vote', '{"id":"x","votes":3}')).toBe(
      'id: 42\nevent: vote\ndata: {"id":"x","votes":3}\n\n',
    );
    expect(audiencesFor(true, 'p1')).toEqual(['all', 'staff', 'p:p1']);
    expect(audiencesFor(false, null)).toEqual(['all']);
  });
});

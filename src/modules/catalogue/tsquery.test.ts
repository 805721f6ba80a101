import { describe, expect, it } from 'vitest';
import { evaluate, forEachSlot, parseTsquery, type PostingSource } from './tsquery.ts';

/** Slots 0..5 with their lexemes. */
const docs: string[][] = [
  ['cybercrim', 'law'],
  ['cybercrime'],
  ['intern', 'law'],
  ['confid-build', 'confid', 'build', 'measur'],
  ["o'brien", 'law'],
  [],
];

const source: PostingSource = {
  words: 1,
  postings: (lexeme) => {
    const slots = docs.flatMap((lexemes, slot) => (lexemes.includes(lexeme) ? [slot] : []));
    return slots.length ? slots : undefined;
  },
};

function slots(query: string) {
  const result = evaluate(parseTsquery(query)!, source);
  if (!result) return null;
  const out: number[] = [];
  forEachSlot(result.bits, (s) => s < docs.length && out.push(s));
  return { slots: out, superset: result.superset };
}

describe('tsquery in memory', () => {
  it('evaluates the operators PostgreSQL prints, with its precedence', () => {
    expect(slots("'cybercrim' | 'cybercrime'")).toEqual({ slots: [0, 1], superset: false });
    expect(slots("'cybercrim' | 'intern' & 'law'")).toEqual({ slots: [0, 2], superset: false });
    expect(slots("( 'cybercrim' | 'intern' ) & 'law'")).toEqual({ slots: [0, 2], superset: false });
    expect(slots("'law' & !'intern'")).toEqual({ slots: [0, 4], superset: false });
    expect(slots("'o''brien'")).toEqual({ slots: [4], superset: false });
    expect(slots("'nothing'")).toEqual({ slots: [], superset: false });
  });

  it('reads phrases as AND and says the result must be checked', () => {
    expect(slots("'confid-build' <-> 'confid' <-> 'build' & 'measur'")).toEqual({
      slots: [3],
      superset: true,
    });
    expect(slots("'law' <2> 'intern'")).toEqual({ slots: [2], superset: true });
  });

  it('declines what lexeme sets cannot answer exactly', () => {
    expect(slots("'law':A")).toBeNull();
    expect(slots("'cyber':*")).toBeNull();
    expect(slots("!( 'confid' <-> 'build' )")).toBeNull();
  });

  it('rejects text that is not a tsquery', () => {
    expect(() => parseTsquery("'unterminated")).toThrow();
    expect(() => parseTsquery("( 'a' & 'b'")).toThrow();
    expect(parseTsquery('')).toBeNull();
  });
});

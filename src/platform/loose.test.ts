import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looseList, looseText } from './loose.ts';

describe('loose input', () => {
  it('keeps scalars and turns objects into their JSON text', () => {
    expect(looseText(' a ')).toBe(' a ');
    expect(looseText(3)).toBe('3');
    expect(looseText(null)).toBe('');
    expect(looseText({ toString: null })).toBe('{"toString":null}');
    expect(looseList('a; b;;c')).toEqual(['a', 'b', 'c']);
    expect(looseList([1, { toString: null }, ' '])).toEqual(['1', '{"toString":null}']);
  });

  it('never throws, whatever a JSON body holds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof looseText(value)).toBe('string');
        expect(Array.isArray(looseList(value))).toBe(true);
      }),
    );
  });
});

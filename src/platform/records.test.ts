import { describe, expect, it } from 'vitest';
import { guessFormat, readRecords, writeRecords } from './records.ts';
import { AppError } from './errors.ts';

describe('records', () => {
  it('reads CSV with a header, JSON arrays or {items}, and NDJSON', () => {
    expect(readRecords('\uFEFFa,b\n1,"x, y"\n', 'csv')).toEqual([{ a: '1', b: 'x, y' }]);
    expect(readRecords('[{"a":1}]', 'json')).toEqual([{ a: 1 }]);
    expect(readRecords('{"items":[{"a":1}]}', 'json')).toEqual([{ a: 1 }]);
    expect(readRecords('{"a":1}\n\n{"a":2}\n', 'ndjson')).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('reports unreadable files as validation errors with their place', () => {
    const fails = (content: string, format: 'csv' | 'json' | 'ndjson') => {
      try {
        readRecords(content, format);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return (error as AppError).errors;
      }
      throw new Error('did not fail');
    };
    expect(fails('a,b\n1,2,3\n', 'csv')[0]!.path).toMatch(/^\/lines\//);
    expect(fails('{"a":', 'json')[0]!.path).toBe('/');
    expect(fails('[1]', 'json')[0]!.path).toBe('/rows/1');
    expect(fails('{"a":1}\nnot json\n', 'ndjson')).toEqual([
      { path: '/lines/2', message: 'This line is not a JSON object.' },
    ]);
  });
  it('guesses formats and writes what it reads', () => {
    expect(guessFormat('x.CSV', '')).toBe('csv');
    expect(guessFormat('x', '<?xml')).toBe('xml');
    expect(guessFormat('x', '[{}]')).toBe('json');
    const csv = writeRecords(
      [{ a: ['x', 'y'], b: null }],
      'csv',
      [
        { name: 'a', value: (r) => r.a },
        { name: 'b', value: (r) => r.b },
      ],
      (r) => r,
    );
    expect(readRecords(csv, 'csv')).toEqual([{ a: 'x; y', b: '' }]);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { run } from './index.ts';

describe('registry commands refuse bad usage before touching the database', () => {
  it('exits 2 with the usage line', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.join(' '));
    });
    try {
      expect(await run(['import', 'initiatives'])).toBe(2);
      expect(await run(['import', 'initiatives', 'a.csv', 'b.csv'])).toBe(2);
      expect(await run(['import', 'initiatives', '/no/such/file.csv'])).toBe(2);
      expect(
        await run(['import', 'organisations', 'package.json', '--skip-invalid', '--bogus']),
      ).toBe(2);
      expect(await run(['export', 'initiatives', '--format', 'pdf'])).toBe(2);
      expect(await run(['export', 'organisations', '--format', 'iati'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/Usage: commons import initiatives FILE \[--skip-invalid\]/);
    expect(errors.join('\n')).toMatch(/Unknown format "pdf"/);
    expect(errors.join('\n')).toMatch(/Cannot read \/no\/such\/file.csv/);
  });
});

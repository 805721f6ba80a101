/**
 * Text from loosely typed input (a form, a JSON body, a CSV cell). JSON bodies may hold objects
 * where text is expected — even `{"toString": null}`, on which `String()` throws — so anything
 * that is not a scalar becomes its JSON text: validation then reports it as a bad value beside its
 * field instead of the request failing.
 */
export function looseText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** A list from an array or from text separated by `separator` (CSV cells), trimmed, empties dropped. */
export function looseList(value: unknown, separator: string | RegExp = ';'): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value.map(looseText) : looseText(value).split(separator);
  return items.map((s) => s.trim()).filter(Boolean);
}

import { looseText } from '../../platform/loose.ts';
export { localPath, seeOther } from '../../web/redirect.ts';

/** Form fields as strings (checkbox groups as arrays), whatever the body parser produced. */
export function formValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = value.map(looseText);
    else if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

export function many(value: string | string[] | undefined): string[] {
  return Array.isArray(value) ? value : value ? [value] : [];
}

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema, Static } from 'typebox';
import { AppError, type FieldError } from './errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Options shared by the HTTP layer and form validation: unknown fields are errors (not silently
 * dropped), query strings coerce to the declared types, and every error is reported, not the first.
 */
export const AJV_OPTIONS = {
  removeAdditional: false,
  useDefaults: true,
  coerceTypes: 'array',
  allErrors: true,
  strict: false,
} as const;

const ajv = addFormats(new Ajv({ ...AJV_OPTIONS }));
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema as object);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Turns Ajv's errors into messages a person understands, each tied to its field. */
export function describeAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  prefix = '',
): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    let path = `${prefix}${e.instancePath}`;
    let message: string;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required':
        path = `${path}/${String(p.missingProperty)}`;
        message = 'This field is required.';
        break;
      case 'additionalProperties':
        path = `${path}/${String(p.additionalProperty)}`;
        message = `Unknown field "${String(p.additionalProperty)}".`;
        break;
      case 'maxLength':
        message = `Use at most ${String(p.limit)} characters.`;
        break;
      case 'minLength':
        message =
          Number(p.limit) <= 1
            ? 'This field is required.'
            : `Use at least ${String(p.limit)} characters.`;
        break;
      case 'maximum':
        message = `Must be at most ${String(p.limit)}.`;
        break;
      case 'minimum':
        message = `Must be at least ${String(p.limit)}.`;
        break;
      case 'maxItems':
        message = `Choose at most ${String(p.limit)}.`;
        break;
      case 'minItems':
        message = `Choose at least ${String(p.limit)}.`;
        break;
      case 'enum':
      case 'const':
      case 'anyOf':
        message = 'Choose one of the offered values.';
        break;
      case 'format':
        message = `Not a valid ${String(p.format)}.`;
        break;
      case 'type':
        message = `Must be ${String(p.type) === 'integer' ? 'a whole number' : `a ${String(p.type)}`}.`;
        break;
      case 'pattern':
        message = 'This value has the wrong form.';
        break;
      default:
        message = e.message ?? 'This value is not valid.';
    }
    if (!out.some((o) => o.path === path)) out.push({ path: path || '/', message });
  }
  return out;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Validates (and coerces, with defaults) a copy of `input`. */
export function validate<S extends TSchema>(schema: S, input: unknown): Validated<Static<S>> {
  const copy = structuredClone(input ?? {});
  const fn = compile(schema);
  if (fn(copy)) return { ok: true, value: copy as Static<S> };
  return { ok: false, errors: describeAjvErrors(fn.errors) };
}

/** Like validate, but throws AppError('validation') with every field error. */
export function parseOrThrow<S extends TSchema>(schema: S, input: unknown): Static<S> {
  const result = validate(schema, input);
  if (!result.ok) throw AppError.validation(result.errors);
  return result.value;
}

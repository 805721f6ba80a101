import type { ComponentChildren, VNode } from 'preact';
import type { FieldError } from '../../platform/errors.ts';
import { useView } from '../view.tsx';

/** Errors keyed by field name ("title"), from FieldError paths ("/title"). */
export type FormErrors = Record<string, string>;

export function errorsByField(errors: readonly FieldError[]): FormErrors {
  const out: FormErrors = {};
  for (const e of errors) {
    const name = e.path.replace(/^\//, '').split('/')[0] || '_form';
    out[name] ??= e.message;
  }
  return out;
}

export function CsrfInput(): VNode {
  return <input type="hidden" name="_csrf" value={useView().csrfToken} />;
}

/** A POST form with its CSRF token; every action on the platform works as a plain form post. */
export function PostForm(props: {
  action: string;
  children: ComponentChildren;
  class?: string;
  enctype?: string;
  id?: string;
}): VNode {
  const view = useView();
  return (
    <form
      method="post"
      action={view.href(props.action)}
      class={props.class}
      enctype={props.enctype}
      id={props.id}
      novalidate
    >
      <CsrfInput />
      {props.children}
    </form>
  );
}

/** The error summary at the top of a form, each linking to its field. */
export function ErrorSummary(props: { errors: FormErrors }): VNode | null {
  const t = useView().t;
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1}>
      <h2>{t('form.errorSummary', { count: entries.length })}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            {name === '_form' ? message : <a href={`#field-${name}`}>{message}</a>}
          </li>
        ))}
      </ul>
    </div>
  );
}

interface FieldProps {
  name: string;
  label: string;
  errors?: FormErrors;
  hint?: string;
  required?: boolean;
}

function describedBy(props: FieldProps): string | undefined {
  const ids = [
    props.hint ? `hint-${props.name}` : null,
    props.errors?.[props.name] ? `error-${props.name}` : null,
  ].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function FieldFrame(props: FieldProps & { children: ComponentChildren }): VNode {
  const error = props.errors?.[props.name];
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={`field-${props.name}`}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {props.hint ? (
        <p class="hint" id={`hint-${props.name}`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`error-${props.name}`}>
          {error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

export function TextField(
  props: FieldProps & {
    value?: string | number | null;
    type?: string;
    maxLength?: number;
    autocomplete?: string;
    inputMode?: string;
  },
): VNode {
  return (
    <FieldFrame {...props}>
      <input
        id={`field-${props.name}`}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        maxLength={props.maxLength}
        required={props.required}
        autocomplete={props.autocomplete}
        inputMode={props.inputMode as never}
        aria-invalid={props.errors?.[props.name] ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </FieldFrame>
  );
}

export function TextArea(
  props: FieldProps & { value?: string | null; rows?: number; maxLength?: number },
): VNode {
  return (
    <FieldFrame {...props}>
      <textarea
        id={`field-${props.name}`}
        name={props.name}
        rows={props.rows ?? 6}
        maxLength={props.maxLength}
        required={props.required}
        aria-invalid={props.errors?.[props.name] ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(
  props: FieldProps & { value?: string | null; options: Option[]; emptyLabel?: string },
): VNode {
  return (
    <FieldFrame {...props}>
      <select
        id={`field-${props.name}`}
        name={props.name}
        required={props.required}
        aria-invalid={props.errors?.[props.name] ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.emptyLabel !== undefined ? <option value="">{props.emptyLabel}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function CheckboxGroup(
  props: FieldProps & { values?: readonly string[]; options: Option[] },
): VNode {
  const error = props.errors?.[props.name];
  return (
    <fieldset
      class={error ? 'field has-error' : 'field'}
      id={`field-${props.name}`}
      aria-describedby={describedBy(props)}
    >
      <legend>{props.label}</legend>
      {props.hint ? (
        <p class="hint" id={`hint-${props.name}`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`error-${props.name}`}>
          {error}
        </p>
      ) : null}
      <div class="checkboxes">
        {props.options.map((o) => (
          <label key={o.value} class="checkbox">
            <input
              type="checkbox"
              name={props.name}
              value={o.value}
              checked={props.values?.includes(o.value)}
            />{' '}
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

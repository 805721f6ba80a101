/**
 * Organisers' form for a call: its window (entered in the event's zone, stored as instants),
 * formats with durations, diversity criteria, screening rules, weighted review criteria and the
 * review phases with their permission bundles.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { TAXONOMIES } from '../reference/index.ts';
import * as events from './events.service.ts';
import {
  DEFAULT_CRITERIA,
  DEFAULT_REVIEW_CRITERIA,
  DEFAULT_SCREENING,
  type DiversityCriteria,
  type ScreeningConfig,
} from './events.ts';
import type { Call, EventRecord } from './events.present.ts';
import type { CallInput } from './events.schemas.ts';
import { attempt } from './pages.shared.tsx';
import {
  Checkbox,
  Flash,
  formErrors,
  formList,
  formValues,
  instantFromLocal,
  localInput,
  managedEvent,
  ManageNav,
  optionalNumber,
  type FormValues,
} from './manage.shared.tsx';
import { flash, RowField } from './manage.event.pages.tsx';
import { seeOther } from '../../web/redirect.ts';

const page = { config: { page: true }, schema: { hide: true } } as const;

const CRITERIA_NUMBERS = [
  'minStakeholderGroups',
  'minRegionalGroups',
  'minDevelopingCountry',
  'minFirstTime',
] as const satisfies ReadonlyArray<keyof DiversityCriteria>;
const SCREENING_NUMBERS = [
  'minConfirmedSpeakers',
  'minOnsiteSpeakers',
] as const satisfies ReadonlyArray<keyof ScreeningConfig>;
const SCREENING_FLAGS = [
  'requiredFields',
  'genderDiversity',
  'onsiteModerator',
  'previousReport',
] as const satisfies ReadonlyArray<keyof ScreeningConfig>;
const PHASE_FLAGS = ['reviewersMayReview', 'seeOthersScores', 'blind', 'proposersMayEdit'] as const;

const yes = (v: string | undefined) => v === 'yes';

/** Rows shown for repeated groups: those typed or stored, plus blank ones to add. */
function rowCount(values: FormValues, prefix: string, minimum: number, max: number): number {
  let n = 0;
  for (const k of Object.keys(values)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(max, Math.max(minimum, n));
}

/** The stored call (or the defaults) as form values. */
export function callValues(
  call: Call | null,
  timeZone: string,
): { values: FormValues; formats: string[] } {
  const v: FormValues = {
    title: call?.title ?? '',
    description: call?.description ?? '',
    opensAt: localInput(call?.opensAt, timeZone),
    closesAt: localInput(call?.closesAt, timeZone),
    reviewsPerProposal: String(call?.reviewsPerProposal ?? 3),
    reportDueDays: String(call?.reportDueDays ?? 14),
  };
  const formats = call?.formats ?? events.defaultFormats();
  for (const f of TAXONOMIES.sessionFormat) {
    v[`format.${f.code}.minutes`] = String(
      formats.find((x) => x.code === f.code)?.minutes ?? f.extra.minutes,
    );
  }
  const criteria = call?.criteria ?? DEFAULT_CRITERIA;
  for (const k of CRITERIA_NUMBERS) v[`criteria.${k}`] = String(criteria[k]);
  if (criteria.genderDiversity) v['criteria.genderDiversity'] = 'yes';
  const screening = call?.screening ?? DEFAULT_SCREENING;
  for (const k of SCREENING_NUMBERS) v[`screening.${k}`] = String(screening[k]);
  for (const k of SCREENING_FLAGS) if (screening[k]) v[`screening.${k}`] = 'yes';
  (call?.reviewCriteria ?? DEFAULT_REVIEW_CRITERIA).forEach((c, i) => {
    v[`criterion.${i}.code`] = c.code;
    v[`criterion.${i}.weight`] = String(c.weight);
  });
  (call?.phases ?? []).forEach((p, i) => {
    v[`phase.${i}.name`] = p.name;
    v[`phase.${i}.startsAt`] = localInput(p.startsAt, timeZone);
    v[`phase.${i}.endsAt`] = localInput(p.endsAt, timeZone);
    for (const f of PHASE_FLAGS) if (p[f]) v[`phase.${i}.${f}`] = 'yes';
  });
  return { values: v, formats: formats.map((f) => f.code) };
}

/**
 * The form → the service's input, and how to put the service's error paths back on the form's
 * fields (rows left blank are dropped, so row numbers differ from list positions).
 */
export function callFromForm(
  v: FormValues,
  chosenFormats: readonly string[],
  timeZone: string,
): { input: CallInput; rename: (path: string) => string } {
  const n = (key: string) => optionalNumber(v[key]) as unknown as number | undefined;
  const formats: Array<{ code: string; minutes: number }> = TAXONOMIES.sessionFormat
    .map((f): string => f.code)
    .filter((code) => chosenFormats.includes(code))
    .map((code) => ({
      code,
      minutes: (optionalNumber(v[`format.${code}.minutes`]) ?? '') as unknown as number,
    }));
  // Codes offered by the form only: anything else posted is refused by name.
  for (const code of chosenFormats) {
    if (!formats.some((f) => f.code === code)) formats.push({ code, minutes: 60 });
  }
  const criterionRows: number[] = [];
  const reviewCriteria: Array<{ code: string; weight: number }> = [];
  for (let i = 0; i < rowCount(v, 'criterion', 0, 12); i++) {
    const code = (v[`criterion.${i}.code`] ?? '').trim();
    const weight = optionalNumber(v[`criterion.${i}.weight`]);
    if (!code && weight === undefined) continue;
    criterionRows.push(i);
    reviewCriteria.push({ code, weight: (weight ?? '') as unknown as number });
  }
  const phaseRows: number[] = [];
  const phases: NonNullable<CallInput['phases']> = [];
  for (let i = 0; i < rowCount(v, 'phase', 0, 10); i++) {
    const name = (v[`phase.${i}.name`] ?? '').trim();
    const startsAt = (v[`phase.${i}.startsAt`] ?? '').trim();
    const endsAt = (v[`phase.${i}.endsAt`] ?? '').trim();
    if (!name && !startsAt && !endsAt) continue;
    phaseRows.push(i);
    phases.push({
      name,
      startsAt: instantFromLocal(startsAt, timeZone),
      endsAt: instantFromLocal(endsAt, timeZone),
      reviewersMayReview: yes(v[`phase.${i}.reviewersMayReview`]),
      seeOthersScores: yes(v[`phase.${i}.seeOthersScores`]),
      blind: yes(v[`phase.${i}.blind`]),
      proposersMayEdit: yes(v[`phase.${i}.proposersMayEdit`]),
    });
  }
  const criteria: Record<string, unknown> = { genderDiversity: yes(v['criteria.genderDiversity']) };
  for (const k of CRITERIA_NUMBERS)
    if (n(`criteria.${k}`) !== undefined) criteria[k] = n(`criteria.${k}`);
  const screening: Record<string, unknown> = {};
  for (const k of SCREENING_FLAGS) screening[k] = yes(v[`screening.${k}`]);
  for (const k of SCREENING_NUMBERS)
    if (n(`screening.${k}`) !== undefined) screening[k] = n(`screening.${k}`);
  const input = {
    title: v.title ?? '',
    description: v.description ?? '',
    opensAt: instantFromLocal(v.opensAt, timeZone),
    closesAt: instantFromLocal(v.closesAt, timeZone),
    ...(n('reviewsPerProposal') !== undefined
      ? { reviewsPerProposal: n('reviewsPerProposal') }
      : {}),
    ...(n('reportDueDays') !== undefined ? { reportDueDays: n('reportDueDays') } : {}),
    formats,
    criteria,
    screening,
    reviewCriteria,
    phases,
  } as CallInput;
  const rename = (path: string): string => {
    const parts = path.replace(/^\//, '').split('/');
    const [head, index, field] = parts;
    const i = Number(index);
    switch (head) {
      case 'formats':
        return index === undefined || !formats[i] ? 'formats' : `format.${formats[i].code}.minutes`;
      case 'reviewCriteria':
        return index === undefined || criterionRows[i] === undefined
          ? 'reviewCriteria'
          : `criterion.${criterionRows[i]}.${field ?? 'code'}`;
      case 'phases':
        return index === undefined || phaseRows[i] === undefined
          ? 'phases'
          : `phase.${phaseRows[i]}.${field ?? 'name'}`;
      case 'criteria':
      case 'screening':
        return index === undefined ? head : `${head}.${index}`;
      default:
        return parts.join('.');
    }
  };
  return { input, rename };
}

function GroupError(props: { errors: FormErrors; name: string }): VNode | null {
  const message = props.errors[props.name];
  if (!message) return null;
  return (
    <p class="error" id={`field-${props.name}`} tabIndex={-1}>
      {message}
    </p>
  );
}

function CallForm(props: {
  event: EventRecord;
  action: string;
  values: FormValues;
  formats: readonly string[];
  errors: FormErrors;
  submit: string;
}): VNode {
  const view = useView();
  const { t } = view;
  const v = props.values;
  const e = props.errors;
  const zone = props.event.timeZone;
  const criteria = rowCount(v, 'criterion', 0, 12) + 2;
  const phases = rowCount(v, 'phase', 0, 10) + 1;
  const num = (name: string, label: string, hint?: string) => (
    <TextField
      name={name}
      type="number"
      inputMode="numeric"
      label={label}
      hint={hint}
      value={v[name]}
      errors={e}
    />
  );
  return (
    <PostForm action={props.action}>
      <TextField
        name="title"
        label={t('events.manage.call.title')}
        value={v.title}
        errors={e}
        required
        maxLength={200}
      />
      <TextArea
        name="description"
        label={t('events.manage.call.description')}
        value={v.description}
        errors={e}
        maxLength={10000}
        rows={4}
      />
      <TextField
        name="opensAt"
        type="datetime-local"
        label={t('events.manage.call.opensAt', { zone })}
        value={v.opensAt}
        errors={e}
        required
      />
      <TextField
        name="closesAt"
        type="datetime-local"
        label={t('events.manage.call.closesAt', { zone })}
        hint={t('events.manage.call.closesHint')}
        value={v.closesAt}
        errors={e}
        required
      />
      {num('reviewsPerProposal', t('events.manage.call.reviewsPerProposal'))}
      {num('reportDueDays', t('events.manage.call.reportDueDays'))}
      <fieldset class={e.formats ? 'field has-error' : 'field'}>
        <legend>{t('events.manage.call.formats')}</legend>
        <GroupError errors={e} name="formats" />
        {TAXONOMIES.sessionFormat.map((f) => {
          const key = `format.${f.code}.minutes`;
          return (
            <div key={f.code} class="row-fields">
              <label class="checkbox">
                <input
                  type="checkbox"
                  name="formats"
                  value={f.code}
                  checked={props.formats.includes(f.code)}
                />{' '}
                {view.term('sessionFormat', f.code)}
              </label>
              <RowField
                id={key}
                name={key}
                type="number"
                min={5}
                max={600}
                label={t('events.manage.call.minutesOf', {
                  format: view.term('sessionFormat', f.code),
                })}
                value={v[key]}
                error={e[key]}
              />
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>{t('events.manage.call.diversity')}</legend>
        {num('criteria.minStakeholderGroups', t('events.diversity.item.stakeholderGroups'))}
        {num('criteria.minRegionalGroups', t('events.diversity.item.regionalGroups'))}
        {num('criteria.minDevelopingCountry', t('events.diversity.item.developingCountry'))}
        {num('criteria.minFirstTime', t('events.diversity.item.firstTime'))}
        <Checkbox
          name="criteria.genderDiversity"
          label={t('events.diversity.item.gender')}
          checked={yes(v['criteria.genderDiversity'])}
        />
      </fieldset>
      <fieldset>
        <legend>{t('events.manage.call.screening')}</legend>
        <Checkbox
          name="screening.requiredFields"
          label={t('events.screening.rule.requiredFields')}
          checked={yes(v['screening.requiredFields'])}
        />
        {num('screening.minConfirmedSpeakers', t('events.manage.call.minConfirmedSpeakers'))}
        <Checkbox
          name="screening.genderDiversity"
          label={t('events.screening.rule.genderDiversity')}
          checked={yes(v['screening.genderDiversity'])}
        />
        <Checkbox
          name="screening.onsiteModerator"
          label={t('events.manage.call.onsiteModerator')}
          checked={yes(v['screening.onsiteModerator'])}
        />
        {num('screening.minOnsiteSpeakers', t('events.manage.call.minOnsiteSpeakers'))}
        <Checkbox
          name="screening.previousReport"
          label={t('events.screening.rule.previousReport')}
          checked={yes(v['screening.previousReport'])}
        />
      </fieldset>
      <fieldset>
        <legend>{t('events.manage.call.reviewCriteria')}</legend>
        <p class="hint">{t('events.manage.call.reviewCriteriaHint')}</p>
        <GroupError errors={e} name="reviewCriteria" />
        {Array.from({ length: criteria }, (_, i) => (
          <div key={i} class="row-fields">
            <RowField
              id={`criterion.${i}.code`}
              name={`criterion.${i}.code`}
              label={t('events.manage.call.criterionCode', { n: i + 1 })}
              value={v[`criterion.${i}.code`]}
              error={e[`criterion.${i}.code`]}
            />
            <RowField
              id={`criterion.${i}.weight`}
              name={`criterion.${i}.weight`}
              type="number"
              min={1}
              max={100}
              label={t('events.manage.call.criterionWeight', { n: i + 1 })}
              value={v[`criterion.${i}.weight`]}
              error={e[`criterion.${i}.weight`]}
            />
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('events.manage.call.phases')}</legend>
        <p class="hint">{t('events.manage.call.phasesHint', { zone })}</p>
        <GroupError errors={e} name="phases" />
        {Array.from({ length: phases }, (_, i) => {
          const blank = !v[`phase.${i}.name`] && !v[`phase.${i}.startsAt`];
          const flag = (f: (typeof PHASE_FLAGS)[number]) =>
            blank ? f === 'reviewersMayReview' || f === 'blind' : yes(v[`phase.${i}.${f}`]);
          return (
            <fieldset key={i} class="person-row">
              <legend>{t('events.manage.call.phaseN', { n: i + 1 })}</legend>
              <div class="row-fields">
                <RowField
                  id={`phase.${i}.name`}
                  name={`phase.${i}.name`}
                  label={t('events.manage.call.phaseName')}
                  value={v[`phase.${i}.name`]}
                  error={e[`phase.${i}.name`]}
                />
                <RowField
                  id={`phase.${i}.startsAt`}
                  name={`phase.${i}.startsAt`}
                  type="datetime-local"
                  label={t('events.manage.call.phaseStarts')}
                  value={v[`phase.${i}.startsAt`]}
                  error={e[`phase.${i}.startsAt`]}
                />
                <RowField
                  id={`phase.${i}.endsAt`}
                  name={`phase.${i}.endsAt`}
                  type="datetime-local"
                  label={t('events.manage.call.phaseEnds')}
                  value={v[`phase.${i}.endsAt`]}
                  error={e[`phase.${i}.endsAt`]}
                />
              </div>
              {PHASE_FLAGS.map((f) => (
                <Checkbox
                  key={f}
                  name={`phase.${i}.${f}`}
                  label={t(`events.manage.call.flag.${f}`)}
                  checked={flag(f)}
                />
              ))}
            </fieldset>
          );
        })}
      </fieldset>
      <button type="submit">{props.submit}</button>
    </PostForm>
  );
}

function CallPage(props: {
  event: EventRecord;
  call: Call | null;
  values: FormValues;
  formats: readonly string[];
  errors: FormErrors;
  flash: string | null;
}) {
  const { t } = useView();
  const base = `/events/${props.event.slug}/manage`;
  const action = props.call ? `${base}/calls/${props.call.id}` : `${base}/calls/new`;
  return (
    <>
      <h1>
        {props.call
          ? t('events.manage.editCallTitle', { title: props.call.title })
          : t('events.manage.newCall')}
      </h1>
      <ManageNav event={props.event} current={action} />
      <Flash message={props.flash} />
      <ErrorSummary errors={props.errors} />
      <CallForm
        event={props.event}
        action={action}
        values={props.values}
        formats={props.formats}
        errors={props.errors}
        submit={props.call ? t('events.manage.form.save') : t('events.manage.createCall')}
      />
    </>
  );
}

export function callOf(event: EventRecord, callId: string): Call {
  const call = isUuid(callId) ? event.calls.find((c) => c.id === callId) : undefined;
  if (!call) throw AppError.notFound('The call');
  return call;
}

export async function manageCallPages(app: FastifyInstance): Promise<void> {
  const show = (
    request: FastifyRequest,
    reply: FastifyReply,
    props: Parameters<typeof CallPage>[0],
    status = 200,
  ) =>
    sendPage(
      request,
      reply,
      {
        title: props.call
          ? request.t('events.manage.editCallTitle', { title: props.call.title })
          : request.t('events.manage.newCall'),
        status,
      },
      <CallPage {...props} />,
    );

  app.get('/events/:slug/manage/calls/new', page, async (request, reply) => {
    const event = await managedEvent(request);
    const { values, formats } = callValues(null, event.timeZone);
    return show(request, reply, { event, call: null, values, formats, errors: {}, flash: null });
  });

  app.get('/events/:slug/manage/calls/:callId', page, async (request, reply) => {
    const event = await managedEvent(request);
    const call = callOf(event, (request.params as { callId: string }).callId);
    const { values, formats } = callValues(call, event.timeZone);
    return show(request, reply, {
      event,
      call,
      values,
      formats,
      errors: {},
      flash: flash(request),
    });
  });

  const save = async (request: FastifyRequest, reply: FastifyReply, call: Call | null) => {
    const event = await managedEvent(request);
    const values = formValues(request.body);
    const formats = formList(request.body, 'formats');
    const { input, rename } = callFromForm(values, formats, event.timeZone);
    const result = await attempt(() =>
      call
        ? events.updateCall(request.ctx, call.id, input)
        : events.createCall(request.ctx, event.id, input),
    );
    if (result.ok)
      return seeOther(
        request,
        reply,
        `/events/${event.slug}/manage/calls/${result.value.id}?done=saved`,
      );
    return show(
      request,
      reply,
      { event, call, values, formats, errors: formErrors(result.error, rename), flash: null },
      result.error.status,
    );
  };

  app.post('/events/:slug/manage/calls/new', page, async (request, reply) =>
    save(request, reply, null),
  );
  app.post('/events/:slug/manage/calls/:callId', page, async (request, reply) => {
    const event = await managedEvent(request);
    return save(request, reply, callOf(event, (request.params as { callId: string }).callId));
  });
}

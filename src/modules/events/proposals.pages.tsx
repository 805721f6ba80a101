import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { Island } from '../../web/components/island.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { countries as allCountries, countryName, TAXONOMIES } from '../reference/index.ts';
import * as proposals from './proposals.service.ts';
import { loadCall, loadEvent } from './events.service.ts';
import { GENDERS, currentPhase, proposerMayEdit, type PersonRole } from './events.ts';
import type { Call, EventRecord, Person, Proposal } from './events.present.ts';
import type { ProposalInput } from './events.schemas.ts';
import type { DiversityAssessment, PanelFacts, PrivateSummary } from './diversity.ts';
import { assessDiversity, summarisePrivate } from './diversity.ts';
import { DiversityPanel, type DiversityLabels } from './diversity.view.tsx';
import { attempt, DemoNotice, list, str, termLabel, useEventTime } from './pages.shared.tsx';
import type { Screening } from './proposals.service.ts';
import { seeOther } from '../../web/redirect.ts';

/** Form row prefixes: one per single role, and speaker-0…n. */
function rowPrefixes(speakers: number): Array<[string, PersonRole]> {
  return [
    ['proposer', 'proposer'],
    ['co-proposer', 'co-proposer'],
    ...Array.from(
      { length: speakers },
      (_, i) => [`speaker-${i}`, 'speaker'] as [string, PersonRole],
    ),
    ['onsite-moderator', 'onsite-moderator'],
    ['online-moderator', 'online-moderator'],
    ['rapporteur', 'rapporteur'],
  ];
}

function speakerRows(people: readonly Person[], extra = 0): number {
  const n = people.filter((p) => p.role === 'speaker').length;
  return Math.min(proposals.MAX_SPEAKERS, Math.max(4, n + 1 + extra));
}

/** The form body → the service's input. Empty rows are dropped. */
function formToInput(body: Record<string, unknown>, rows: number, submit: boolean): ProposalInput {
  const people: NonNullable<ProposalInput['people']> = [];
  for (const [prefix, role] of rowPrefixes(rows)) {
    const name = str(body, `${prefix}.name`).trim();
    if (!name) continue;
    const id = str(body, `${prefix}.id`);
    people.push({
      ...(id ? { id } : {}),
      role,
      name,
      email: str(body, `${prefix}.email`).trim() || null,
      organisation: str(body, `${prefix}.organisation`),
      stakeholderGroup: str(body, `${prefix}.stakeholderGroup`) || null,
      country: str(body, `${prefix}.country`) || null,
      onsite: str(body, `${prefix}.onsite`) !== 'online',
    });
  }
  return {
    title: str(body, 'title'),
    format: str(body, 'format') || null,
    content: str(body, 'content'),
    relevance: str(body, 'relevance'),
    policyQuestion: str(body, 'policyQuestion'),
    tags: list(body, 'tags'),
    onlinePlan: str(body, 'onlinePlan'),
    facilitationPlan: str(body, 'facilitationPlan'),
    previousWorkshop: str(body, 'previousWorkshop') === 'yes',
    previousReportUrl: str(body, 'previousReportUrl').trim() || null,
    people,
    submit,
  };
}

/** Service errors on "/people/3/email" → the form field "speaker-1.email". */
function formErrors(errors: readonly FieldError[], input: ProposalInput): FormErrors {
  const prefixes: string[] = [];
  const seen = new Map<string, number>();
  for (const p of input.people ?? []) {
    if (p.role === 'speaker') {
      const i = seen.get('speaker') ?? 0;
      seen.set('speaker', i + 1);
      prefixes.push(`speaker-${i}`);
    } else prefixes.push(p.role);
  }
  const mapped = errors.map((e) => {
    const m = /^\/people\/(\d+)\/(\w+)$/.exec(e.path);
    if (m) return { ...e, path: `/${prefixes[Number(m[1])] ?? 'people'}.${m[2]}` };
    return e;
  });
  const out: FormErrors = {};
  for (const e of mapped) out[e.path.replace(/^\//, '') || '_form'] ??= e.message;
  return out;
}

interface EditorProps {
  event: EventRecord;
  call: Call;
  proposal: Proposal | null;
  values: ProposalInput;
  errors: FormErrors;
  rows: number;
  countries: Array<{ iso2: string; name: string }>;
  countryFacts: Awaited<ReturnType<typeof proposals.countryFacts>>;
  summary: PrivateSummary;
  assessment: DiversityAssessment;
  formError?: string;
}

function diversityLabels(t: (k: string, v?: Record<string, string>) => string): DiversityLabels {
  const labels: DiversityLabels = {};
  for (const key of [
    'title',
    'intro',
    'complete',
    'incomplete',
    'panelSize',
    'groups',
    'regions',
    'privacy',
    'item.stakeholderGroups',
    'item.regionalGroups',
    'item.developingCountry',
    'item.gender',
    'item.firstTime',
    'status.met',
    'status.missing',
    'status.withheld',
    'detail.stakeholderGroups',
    'detail.regionalGroups',
    'detail.developingCountry',
    'detail.gender',
    'detail.firstTime',
    'withheld.gender',
    'withheld.firstTime',
  ]) {
    // Placeholders stay as {name} so that the island can fill them as the counts change.
    labels[key] = t(`events.diversity.${key}`, { have: '{have}', need: '{need}', min: '{min}' });
  }
  for (const g of TAXONOMIES.stakeholderGroup) labels[`group.${g.code}`] = g.label;
  for (const g of TAXONOMIES.unRegionalGroup) labels[`region.${g.code}`] = g.label;
  return labels;
}

function PersonRow(props: {
  prefix: string;
  role: PersonRole;
  index: number;
  value: NonNullable<ProposalInput['people']>[number] | undefined;
  status: Person['status'] | undefined;
  errors: FormErrors;
  countries: Array<{ iso2: string; name: string }>;
}) {
  const { t } = useView();
  const v = props.value;
  const p = props.prefix;
  const legend =
    props.role === 'speaker'
      ? t('events.editor.speakerN', { n: props.index + 1 })
      : t(`events.role.${props.role}`);
  return (
    <fieldset class="person-row" id={`row-${p}`}>
      <legend>
        {legend}
        {props.status ? ` – ${t(`events.person.status.${props.status}`)}` : ''}
      </legend>
      {v?.id ? <input type="hidden" name={`${p}.id`} value={v.id} /> : null}
      <div class="row-fields">
        <TextField
          name={`${p}.name`}
          label={t('events.editor.name')}
          value={v?.name}
          errors={props.errors}
          maxLength={120}
          autocomplete="off"
        />
        <TextField
          name={`${p}.email`}
          label={t('events.editor.email')}
          type="email"
          value={v?.email ?? ''}
          errors={props.errors}
          maxLength={254}
          autocomplete="off"
        />
        <TextField
          name={`${p}.organisation`}
          label={t('events.editor.organisation')}
          value={v?.organisation ?? ''}
          errors={props.errors}
          maxLength={200}
        />
        <SelectField
          name={`${p}.stakeholderGroup`}
          label={t('events.editor.stakeholderGroup')}
          value={v?.stakeholderGroup ?? ''}
          emptyLabel={t('events.editor.choose')}
          options={TAXONOMIES.stakeholderGroup.map((g) => ({ value: g.code, label: g.label }))}
          errors={props.errors}
        />
        <SelectField
          name={`${p}.country`}
          label={t('events.editor.country')}
          value={v?.country ?? ''}
          emptyLabel={t('events.editor.choose')}
          options={props.countries.map((c) => ({ value: c.iso2, label: c.name }))}
          errors={props.errors}
        />
        <SelectField
          name={`${p}.onsite`}
          label={t('events.editor.participation')}
          value={v?.onsite === false ? 'online' : 'onsite'}
          options={[
            { value: 'onsite', label: t('events.editor.onsite') },
            { value: 'online', label: t('events.editor.online') },
          ]}
          errors={props.errors}
        />
      </div>
    </fieldset>
  );
}

function Editor(props: EditorProps) {
  const view = useView();
  const { t } = view;
  const v = props.values;
  const time = useEventTime(props.event.timeZone);
  const action = props.proposal
    ? `/proposals/${props.proposal.id}/edit`
    : `/calls/${props.call.id}/proposals/new`;
  const people = v.people ?? [];
  const rows = rowPrefixes(props.rows);
  const statusOf = (prefix: string, role: PersonRole) => {
    const row = props.values.people?.filter((x) => x.role === role)[
      role === 'speaker' ? Number(prefix.split('-')[1]) : 0
    ];
    return row?.id ? props.proposal?.people.find((x) => x.id === row.id)?.status : undefined;
  };
  const valueOf = (prefix: string, role: PersonRole) =>
    role === 'speaker'
      ? people.filter((x) => x.role === 'speaker')[Number(prefix.split('-')[1])]
      : people.find((x) => x.role === role);
  const statuses: Record<string, Person['status']> = {};
  for (const [prefix, role] of rows) {
    const s = statusOf(prefix, role);
    if (s) statuses[prefix] = s;
  }
  const initial: PanelFacts[] = rows
    .map(([prefix, role]) => ({ prefix, role, value: valueOf(prefix, role) }))
    .filter((x) => x.value)
    .map((x) => ({
      role: x.role,
      stakeholderGroup: x.value!.stakeholderGroup ?? null,
      country: x.value!.country ?? null,
      status: statuses[x.prefix] ?? 'pending',
    }));
  const errors = { ...props.errors, ...(props.formError ? { _form: props.formError } : {}) };
  return (
    <>
      <p>
        <a href={view.href(`/events/${props.event.slug}`)}>{props.event.name}</a> ·{' '}
        {props.call.title}
      </p>
      <h1>{props.proposal ? t('events.editor.editTitle') : t('events.editor.newTitle')}</h1>
      <DemoNotice event={props.event} />
      <p>{t('events.editor.deadline', { closes: time.dateTime(props.call.closesAt) })}</p>
      <ErrorSummary errors={errors} />
      <div class="editor-layout">
        <PostForm action={action} id="proposal-form" class="proposal-form">
          <h2>{t('events.editor.session')}</h2>
          <TextField
            name="title"
            label={t('events.editor.title')}
            value={v.title}
            errors={errors}
            maxLength={200}
            required
          />
          <SelectField
            name="format"
            label={t('events.editor.format')}
            value={v.format ?? ''}
            emptyLabel={t('events.editor.choose')}
            options={props.call.formats.map((f) => ({
              value: f.code,
              label: t('events.editor.formatOption', {
                label: termLabel('sessionFormat', f.code),
                minutes: f.minutes,
              }),
            }))}
            errors={errors}
            required
          />
          <TextArea
            name="content"
            label={t('events.editor.content')}
            hint={t('events.editor.contentHint')}
            value={v.content}
            errors={errors}
            maxLength={10000}
            required
          />
          <TextArea
            name="relevance"
            label={t('events.editor.relevance')}
            value={v.relevance}
            errors={errors}
            maxLength={5000}
            rows={4}
            required
          />
          <TextArea
            name="policyQuestion"
            label={t('events.editor.policyQuestion')}
            value={v.policyQuestion}
            errors={errors}
            maxLength={2000}
            rows={3}
          />
          <CheckboxGroup
            name="tags"
            label={t('events.editor.tags')}
            values={v.tags ?? []}
            options={TAXONOMIES.theme.map((x) => ({ value: x.code, label: x.label }))}
            errors={errors}
          />
          <h2>{t('events.editor.people')}</h2>
          <p class="hint">{t('events.editor.peopleHint')}</p>
          {rows.map(([prefix, role]) => (
            <PersonRow
              key={prefix}
              prefix={prefix}
              role={role}
              index={role === 'speaker' ? Number(prefix.split('-')[1]) : 0}
              value={valueOf(prefix, role)}
              status={statuses[prefix]}
              errors={errors}
              countries={props.countries}
            />
          ))}
          {props.rows < proposals.MAX_SPEAKERS ? (
            <button type="submit" name="action" value="more" class="secondary">
              {t('events.editor.moreSpeakers')}
            </button>
          ) : null}
          <h2>{t('events.editor.plans')}</h2>
          <TextArea
            name="onlinePlan"
            label={t('events.editor.onlinePlan')}
            value={v.onlinePlan}
            errors={errors}
            maxLength={5000}
            rows={4}
          />
          <TextArea
            name="facilitationPlan"
            label={t('events.editor.facilitationPlan')}
            value={v.facilitationPlan}
            errors={errors}
            maxLength={5000}
            rows={4}
          />
          <SelectField
            name="previousWorkshop"
            label={t('events.editor.previousWorkshop')}
            value={v.previousWorkshop ? 'yes' : 'no'}
            options={[
              { value: 'no', label: t('events.editor.no') },
              { value: 'yes', label: t('events.editor.yes') },
            ]}
            errors={errors}
          />
          <TextField
            name="previousReportUrl"
            label={t('events.editor.previousReportUrl')}
            type="url"
            value={v.previousReportUrl ?? ''}
            errors={errors}
            maxLength={500}
          />
          <div class="actions">
            <button type="submit" name="action" value="save" class="secondary">
              {t('events.editor.saveDraft')}
            </button>
            {props.proposal?.status !== 'submitted' ? (
              <button type="submit" name="action" value="submit">
                {t('events.editor.submit')}
              </button>
            ) : (
              <button type="submit" name="action" value="save">
                {t('events.editor.saveChanges')}
              </button>
            )}
          </div>
        </PostForm>
        <aside class="editor-aside">
          <Island
            name="diversity"
            props={{
              formId: 'proposal-form',
              countries: props.countryFacts,
              criteria: props.call.criteria,
              summary: props.summary,
              rows: Object.fromEntries(rows),
              statuses,
              labels: diversityLabels(t),
              initial,
            }}
          >
            <DiversityPanel assessment={props.assessment} labels={diversityLabels(t)} />
          </Island>
        </aside>
      </div>
    </>
  );
}

function ScreeningList(props: { screening: Screening }) {
  const { t } = useView();
  return (
    <ul class="checklist">
      {props.screening.outcomes.map((o) => {
        const outcome =
          o.rule === 'genderDiversity' && !props.screening.genderDisclosed ? 'withheld' : o.outcome;
        return (
          <li
            key={o.rule}
            class={`check ${outcome === 'pass' ? 'met' : outcome === 'withheld' ? 'withheld' : 'missing'}`}
          >
            <strong>{t(`events.screening.rule.${o.rule}`)}</strong> –{' '}
            {t(`events.screening.outcome.${outcome}`)}
            {outcome !== 'pass' && outcome !== 'withheld' ? (
              <span>
                {' '}
                {t(`events.screening.explain.${o.rule}`, {
                  have: o.have ?? 0,
                  need: o.need ?? 0,
                  missing: (o.missing ?? []).join(', '),
                })}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function ProposalPage(props: {
  event: EventRecord;
  proposal: Proposal;
  access: proposals.ProposalAccess;
  screening: Screening;
  assessment: DiversityAssessment;
  canEdit: boolean;
}) {
  const view = useView();
  const { t } = view;
  const p = props.proposal;
  return (
    <>
      <p>
        <a href={view.href(`/events/${props.event.slug}`)}>{props.event.name}</a>
      </p>
      <h1>{p.title || t('events.proposal.untitled')}</h1>
      <DemoNotice event={props.event} />
      <p class="lead">
        {t(`events.proposal.status.${p.status}`)}
        {p.decision && (p.decisionStatus === 'released' || props.access === 'organiser')
          ? ` · ${t(`events.decision.${p.decision}`)}${p.decisionStatus === 'pending' ? ` (${t('events.decision.pending')})` : ''}`
          : ''}
      </p>
      {props.canEdit ? (
        <p>
          <a class="button" href={view.href(`/proposals/${p.id}/edit`)}>
            {t('events.proposal.edit')}
          </a>
        </p>
      ) : null}
      <dl class="details">
        <dt>{t('events.editor.format')}</dt>
        <dd>
          {p.format
            ? t('events.editor.formatOption', {
                label: termLabel('sessionFormat', p.format),
                minutes: p.durationMinutes ?? 0,
              })
            : '—'}
        </dd>
        <dt>{t('events.editor.tags')}</dt>
        <dd>{p.tags.map((x) => termLabel('theme', x)).join(', ') || '—'}</dd>
      </dl>
      <h2>{t('events.editor.content')}</h2>
      <p>{p.content}</p>
      <h2>{t('events.editor.relevance')}</h2>
      <p>{p.relevance}</p>
      <h2>{t('events.editor.people')}</h2>
      <ul>
        {p.people.map((x) => (
          <li key={x.id}>
            {t(`events.role.${x.role}`)}: {x.name}
            {x.organisation ? `, ${x.organisation}` : ''} – {t(`events.person.status.${x.status}`)}
          </li>
        ))}
      </ul>
      <DiversityPanel assessment={props.assessment} labels={diversityLabels(t)} />
      <section>
        <h2>{t('events.screening.title')}</h2>
        <p class="hint">{t('events.screening.intro')}</p>
        <ScreeningList screening={props.screening} />
      </section>
      {p.status !== 'withdrawn' ? (
        <PostForm action={`/proposals/${p.id}/withdraw`}>
          <p>{t('events.proposal.withdrawHint')}</p>
          <button type="submit" class="danger">
            {t('events.proposal.withdraw')}
          </button>
        </PostForm>
      ) : null}
    </>
  );
}

function InvitationPage(props: {
  invitation: proposals.InvitationView;
  errors: FormErrors;
  token: string;
}) {
  const { t } = useView();
  const inv = props.invitation;
  return (
    <>
      <h1>{t('events.invitation.title')}</h1>
      <ErrorSummary errors={props.errors} />
      <p class="lead">
        {t('events.invitation.intro', {
          name: inv.personName,
          role: t(`events.role.${inv.role}`),
          title: inv.proposalTitle || t('events.proposal.untitled'),
          event: inv.eventName,
        })}
      </p>
      <PostForm action={`/invitations/${props.token}`}>
        <SelectField
          name="onsite"
          label={t('events.editor.participation')}
          value={inv.onsite ? 'onsite' : 'online'}
          options={[
            { value: 'onsite', label: t('events.editor.onsite') },
            { value: 'online', label: t('events.editor.online') },
          ]}
        />
        <fieldset class="field">
          <legend>{t('events.invitation.private')}</legend>
          <p class="hint">{t('events.invitation.privateHint')}</p>
          <SelectField
            name="gender"
            label={t('events.invitation.gender')}
            value=""
            emptyLabel={t('events.invitation.preferNot')}
            options={GENDERS.map((g) => ({ value: g, label: t(`events.gender.${g}`) }))}
          />
          <SelectField
            name="firstTime"
            label={t('events.invitation.firstTime')}
            value=""
            emptyLabel={t('events.invitation.preferNot')}
            options={[
              { value: 'yes', label: t('events.editor.yes') },
              { value: 'no', label: t('events.editor.no') },
            ]}
          />
        </fieldset>
        <div class="actions">
          <button type="submit" name="answer" value="accept">
            {t('events.invitation.accept')}
          </button>
          <button type="submit" name="answer" value="decline" class="secondary">
            {t('events.invitation.decline')}
          </button>
        </div>
      </PostForm>
    </>
  );
}

async function editorProps(
  request: FastifyRequest,
  call: Call,
  proposal: Proposal | null,
  values: ProposalInput,
  rows: number,
): Promise<Omit<EditorProps, 'errors'>> {
  const ctx = request.ctx;
  const event = await loadEvent(ctx, call.eventId);
  const [countryFacts, list] = await Promise.all([proposals.countryFacts(ctx), allCountries(ctx)]);
  const countries = list
    .map((c) => ({ iso2: c.iso2, name: countryName(c.iso2, request.locale, c.name) }))
    .sort((a, b) => a.name.localeCompare(b.name, request.locale));
  const summary = proposal
    ? (await proposals.proposalDiversity(ctx, proposal.id)).assessment
    : null;
  const priv: PrivateSummary = summary
    ? {
        declared: summary.declared,
        distinctGenders: summary.distinctGenders,
        firstTime: summary.firstTime,
      }
    : summarisePrivate([]);
  const assessment = assessDiversity(
    (values.people ?? []).map((p) => ({
      role: p.role,
      stakeholderGroup: p.stakeholderGroup ?? null,
      country: p.country ?? null,
      status: proposal?.people.find((x) => x.id === p.id)?.status ?? 'pending',
    })),
    countryFacts,
    call.criteria,
    priv,
  );
  return {
    event,
    call,
    proposal,
    values,
    rows,
    countries,
    countryFacts,
    summary: priv,
    assessment,
  };
}

function toValues(p: Proposal): ProposalInput {
  return {
    title: p.title,
    format: p.format,
    content: p.content,
    relevance: p.relevance,
    policyQuestion: p.policyQuestion,
    tags: p.tags,
    onlinePlan: p.onlinePlan,
    facilitationPlan: p.facilitationPlan,
    previousWorkshop: p.previousWorkshop,
    previousReportUrl: p.previousReportUrl,
    people: p.people.map((x) => ({
      id: x.id,
      role: x.role as PersonRole,
      name: x.name,
      email: x.email,
      organisation: x.organisation,
      stakeholderGroup: x.stakeholderGroup,
      country: x.country,
      onsite: x.onsite,
    })),
  };
}

async function handleEditorPost(
  request: FastifyRequest,
  reply: FastifyReply,
  call: Call,
  proposal: Proposal | null,
) {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const action = str(body, 'action');
  const rows = Math.min(
    proposals.MAX_SPEAKERS,
    Math.max(4, Number(str(body, 'rows')) || speakerRows(proposal?.people ?? [])),
  );
  const input = formToInput(body, proposals.MAX_SPEAKERS, action === 'submit');
  const result = await attempt(() =>
    proposals.saveProposal(
      request.ctx,
      proposal ? { proposalId: proposal.id } : { callId: call.id },
      input,
    ),
  );
  if (result.ok) {
    if (action === 'more')
      return seeOther(request, reply, `/proposals/${result.value.id}/edit?rows=${rows + 2}`);
    return seeOther(
      request,
      reply,
      action === 'submit' ? `/proposals/${result.value.id}` : `/proposals/${result.value.id}/edit`,
    );
  }
  const props = await editorProps(
    request,
    call,
    proposal,
    input,
    Math.max(rows, input.people?.filter((p) => p.role === 'speaker').length ?? 0),
  );
  const errors = formErrors(result.error.errors, input);
  return sendPage(
    request,
    reply,
    { title: request.t('events.editor.newTitle'), status: result.error.status === 409 ? 409 : 422 },
    <Editor
      {...props}
      errors={errors}
      formError={result.error.errors.length ? undefined : result.error.message}
    />,
  );
}

export async function proposalPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } } as const;

  app.get('/calls/:id/proposals/new', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const call = await loadCall(request.ctx, id);
    if (!request.actor.userId)
      return seeOther(request, reply, `/sign-in?next=/calls/${id}/proposals/new`);
    const props = await editorProps(request, call, null, { people: [] }, 4);
    return sendPage(
      request,
      reply,
      { title: request.t('events.editor.newTitle') },
      <Editor {...props} errors={{}} />,
    );
  });

  app.post('/calls/:id/proposals/new', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const call = await loadCall(request.ctx, id);
    return handleEditorPost(request, reply, call, null);
  });

  app.get('/proposals/:id/edit', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { proposal, call } = await proposals.getProposal(request.ctx, id);
    const q = request.query as { rows?: string };
    const rows = Math.min(
      proposals.MAX_SPEAKERS,
      Math.max(speakerRows(proposal.people), Number(q.rows) || 0),
    );
    const props = await editorProps(request, call, proposal, toValues(proposal), rows);
    return sendPage(
      request,
      reply,
      { title: request.t('events.editor.editTitle') },
      <Editor {...props} errors={{}} />,
    );
  });

  app.post('/proposals/:id/edit', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { proposal, call } = await proposals.getProposal(request.ctx, id);
    return handleEditorPost(request, reply, call, proposal);
  });

  app.get('/proposals/:id', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { proposal, call, access, screening } = await proposals.proposalScreening(
      request.ctx,
      id,
    );
    const event = await loadEvent(request.ctx, call.eventId);
    const assessment = await proposals.diversityOf(request.ctx, proposal, call);
    const now = request.ctx.clock.now();
    const canEdit =
      proposal.status !== 'withdrawn' && proposerMayEdit(call, currentPhase(call.phases, now), now);
    return sendPage(
      request,
      reply,
      { title: proposal.title || request.t('events.proposal.untitled') },
      <ProposalPage
        event={event}
        proposal={proposal}
        access={access}
        screening={screening}
        assessment={assessment}
        canEdit={canEdit}
      />,
    );
  });

  app.post('/proposals/:id/withdraw', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    await proposals.withdrawProposal(request.ctx, id);
    return seeOther(request, reply, `/proposals/${id}`);
  });

  app.get('/invitations/:token', page, async (request, reply) => {
    const { token } = request.params as { token: string };
    const invitation = await proposals.getInvitation(request.ctx, token);
    return sendPage(
      request,
      reply,
      { title: request.t('events.invitation.title') },
      <InvitationPage invitation={invitation} errors={{}} token={token} />,
    );
  });

  app.post('/invitations/:token', page, async (request, reply) => {
    const { token } = request.params as { token: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const first = str(body, 'firstTime');
    const result = await proposals.respondToInvitation(request.ctx, token, {
      accept: str(body, 'answer') !== 'decline',
      gender: str(body, 'gender') || null,
      firstTime: first === 'yes' ? true : first === 'no' ? false : null,
      onsite: str(body, 'onsite') !== 'online',
    });
    return sendPage(
      request,
      reply,
      { title: request.t('events.invitation.title') },
      <>
        <h1>{request.t('events.invitation.title')}</h1>
        <p class="lead">{request.t(`events.invitation.done.${result.status}`)}</p>
      </>,
    );
  });
}

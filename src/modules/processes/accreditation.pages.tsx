import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { Static } from 'typebox';
import { type AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { rateLimitedForm } from '../../web/rate-limited.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
} from '../../web/components/form.tsx';
import type { Organisation } from '../organisations/index.ts';
import { TAXONOMIES, countryName } from '../reference/index.ts';
import { getProcess } from './processes.service.ts';
import * as accreditation from './accreditation.service.ts';
import type { Process } from './processes.ts';
import { startOfDay } from './zoned-time.ts';
import { DemoNotice, Instant, ObjectionsCell, OutcomeTag, ProcessNav } from './components.tsx';
import { MyApplications, type SlugParams, processRights } from './processes.pages.tsx';
import { formValues, localPath, many, one } from './page-helpers.ts';

const PAGE = { config: { page: true }, schema: { hide: true } } as const;

type Values = Record<string, string | string[]>;

function ApplyPage(props: {
  process: Process;
  organisations: Organisation[];
  mine: accreditation.PublicApplication[];
  values: Values;
  errors: FieldError[];
  done: boolean;
  rights: { review: boolean; manage: boolean };
  now: Date;
}): VNode {
  const view = useView();
  const { t } = view;
  const p = props.process;
  const errors = errorsByField(props.errors);
  const upcoming = p.meetings.filter(
    (m) => startOfDay(m.startsOn, p.timeZone).getTime() > props.now.getTime(),
  );
  const open = p.modality === 'non-objection' || p.modality === 'ecosoc-only';
  let body: VNode;
  if (!open) {
    body = <p>{t(`processes.modalityHelp.${p.modality}`)}</p>;
  } else if (!view.actor.userId) {
    body = (
      <p>
        {t('processes.apply.signIn')}{' '}
        <a href={view.href(`/sign-in?next=${encodeURIComponent(`/processes/${p.slug}/apply`)}`)}>
          {t('processes.apply.signInLink')}
        </a>
      </p>
    );
  } else if (props.organisations.length === 0) {
    body = <p>{t('processes.apply.notRepresentative')}</p>;
  } else if (upcoming.length === 0) {
    body = <p>{t('processes.apply.noUpcoming')}</p>;
  } else {
    body = (
      <>
        <p>{t('processes.apply.intro', { days: p.objectionPeriodDays, zone: p.timeZone })}</p>
        <p class="hint">{t('processes.apply.publication')}</p>
        <ErrorSummary errors={errors} />
        <PostForm action={`/processes/${p.slug}/apply`}>
          <SelectField
            name="organisationId"
            label={t('processes.apply.organisation')}
            options={props.organisations.map((o) => ({ value: o.id, label: o.name }))}
            value={one(props.values.organisationId)}
            errors={errors}
            required
          />
          <SelectField
            name="meetingId"
            label={t('processes.apply.meeting')}
            options={upcoming.map((m) => ({
              value: m.id,
              label: `${m.title} (${view.formatDate(m.startsOn)})`,
            }))}
            value={one(props.values.meetingId)}
            errors={errors}
            required
          />
          <TextArea
            name="statement"
            label={t('processes.apply.statement')}
            hint={t('processes.apply.statementHint')}
            value={one(props.values.statement)}
            maxLength={5000}
            rows={8}
            errors={errors}
            required
          />
          <SelectField
            name="ecosocStatus"
            label={t('processes.apply.ecosoc')}
            options={[
              { value: 'no', label: t('processes.apply.ecosocNo') },
              { value: 'yes', label: t('processes.apply.ecosocYes') },
            ]}
            value={one(props.values.ecosocStatus) || 'no'}
            errors={errors}
            required
          />
          <CheckboxGroup
            name="expertise"
            label={t('processes.apply.expertise')}
            options={TAXONOMIES.theme.map((term) => ({
              value: term.code,
              label: t(`processes.theme.${term.code}`),
            }))}
            values={many(props.values.expertise)}
            errors={errors}
          />
          <fieldset class="field">
            <legend>{t('processes.apply.contacts')}</legend>
            <p class="hint">{t('processes.apply.contactsHint')}</p>
            <TextField
              name="contactName"
              label={t('processes.apply.contactName')}
              value={one(props.values.contactName)}
              autocomplete="name"
              errors={errors}
              required
            />
            <TextField
              name="contactEmail"
              type="email"
              label={t('processes.apply.contactEmail')}
              value={one(props.values.contactEmail)}
              autocomplete="email"
              errors={errors}
              required
            />
            <TextField
              name="contactPhone"
              type="tel"
              label={t('processes.apply.contactPhone')}
              value={one(props.values.contactPhone)}
              autocomplete="tel"
              errors={errors}
            />
          </fieldset>
          <button type="submit">{t('processes.apply.submit')}</button>
        </PostForm>
      </>
    );
  }
  return (
    <>
      <h1>{t('processes.apply.title', { name: p.name })}</h1>
      <ProcessNav process={p} current="apply" {...props.rights} />
      {p.isDemo ? <DemoNotice /> : null}
      {props.done ? (
        <p class="notice ok" role="status">
          {t('processes.apply.received')}
        </p>
      ) : null}
      <MyApplications items={props.mine} process={p} />
      {body}
    </>
  );
}

async function renderApply(
  request: FastifyRequest,
  reply: FastifyReply,
  process: Process,
  values: Values = {},
  errors: FieldError[] = [],
  status = 200,
  done = false,
) {
  const [organisations, mine] = await Promise.all([
    accreditation.representedOrganisationList(request.ctx),
    accreditation.myApplications(request.ctx, process.id),
  ]);
  return sendPage(
    request,
    reply,
    { title: request.t('processes.apply.title', { name: process.name }), status },
    <ApplyPage
      process={process}
      organisations={organisations.filter((o) => o.stakeholderGroup !== 'government')}
      mine={mine}
      values={values}
      errors={errors}
      done={done}
      rights={processRights(request, process)}
      now={request.ctx.clock.now()}
    />,
  );
}

function ReviewPage(props: {
  process: Process;
  items: accreditation.ReviewApplication[];
  delegation: string | null;
  secretariat: boolean;
  problem: AppError | null;
  rights: { review: boolean; manage: boolean };
}): VNode {
  const view = useView();
  const { t } = view;
  const p = props.process;
  const pending = props.items.filter((i) => i.outcome === 'pending');
  const decided = props.items.filter((i) => i.outcome !== 'pending');
  const Item = ({ a }: { a: accreditation.ReviewApplication }) => (
    <li id={`application-${a.id}`}>
      <h3>
        {a.organisation.name} <OutcomeTag outcome={a.outcome} />
      </h3>
      {a.isDemo ? <DemoNotice>{t('processes.demo.application')}</DemoNotice> : null}
      <dl class="facts">
        <dt>{t('processes.review.group')}</dt>
        <dd>{t(`processes.group.${a.organisation.stakeholderGroup}`)}</dd>
        <dt>{t('processes.review.country')}</dt>
        <dd>
          {a.organisation.country
            ? countryName(a.organisation.country, view.locale)
            : t('processes.review.global')}
        </dd>
        <dt>{t('processes.review.ecosoc')}</dt>
        <dd>{t(a.organisation.ecosocStatus ? 'processes.yes' : 'processes.no')}</dd>
        <dt>{t('processes.review.meeting')}</dt>
        <dd>{a.meeting.title}</dd>
        <dt>{t('processes.review.expertise')}</dt>
        <dd>{a.expertise.map((e) => t(`processes.theme.${e}`)).join('; ')}</dd>
        <dt>{t('processes.review.submitted')}</dt>
        <dd>
          <Instant value={a.submittedAt} timeZone={p.timeZone} />
        </dd>
        <dt>{t('processes.review.deadline')}</dt>
        <dd>
          <Instant value={a.objectionDeadline} timeZone={p.timeZone} />
        </dd>
        <dt>{t('processes.review.objections')}</dt>
        <dd>
          <ObjectionsCell objections={a.objections} />
        </dd>
        {a.contacts ? (
          <>
            <dt>{t('processes.review.contacts')}</dt>
            <dd>
              {a.contacts.name}, <a href={`mailto:${a.contacts.email}`}>{a.contacts.email}</a>
              {a.contacts.phone ? `, ${a.contacts.phone}` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      <details>
        <summary>{t('processes.review.statement')}</summary>
        <p class="statement">{a.statement}</p>
      </details>
      {a.ownObjection ? (
        <p>
          {t('processes.review.ownObjection')}
          {a.ownObjection.reason ? ` “${a.ownObjection.reason}”` : ''}
        </p>
      ) : null}
      {a.canObject ? (
        <PostForm action={`/processes/${p.slug}/applications/${a.id}/object`} class="objection">
          <TextArea
            name="reason"
            label={t('processes.review.reason')}
            hint={t(
              p.disclosure.reasonsPublic
                ? 'processes.review.reasonPublicHint'
                : 'processes.review.reasonPrivateHint',
            )}
            rows={3}
            maxLength={2000}
          />
          <button type="submit" class="danger">
            {t('processes.review.object')}
          </button>
        </PostForm>
      ) : null}
      {a.canWithdraw ? (
        <PostForm action={`/processes/${p.slug}/applications/${a.id}/withdraw`} class="inline">
          <button type="submit">{t('processes.review.withdraw')}</button>
        </PostForm>
      ) : null}
    </li>
  );
  return (
    <>
      <h1>{t('processes.review.title', { name: p.name })}</h1>
      <ProcessNav process={p} current="review" {...props.rights} />
      <p>
        {props.delegation
          ? t('processes.review.asDelegation', {
              state: countryName(props.delegation, view.locale),
            })
          : props.secretariat
            ? t('processes.review.asSecretariat')
            : t('processes.review.noDelegation')}
      </p>
      <p>
        {t(`processes.disclosure.objector.${p.disclosure.objector}`)}{' '}
        {t(
          p.disclosure.reasonsPublic
            ? 'processes.disclosure.reasonsPublic'
            : 'processes.disclosure.reasonsPrivate',
        )}
      </p>
      {props.problem ? (
        <div class="error-summary" role="alert" tabIndex={-1}>
          <h2>{t(`errors.title.${props.problem.code}`)}</h2>
          <p>{props.problem.message}</p>
        </div>
      ) : null}
      <h2>{t('processes.review.pending', { count: pending.length })}</h2>
      <ul class="results applications">
        {pending.map((a) => (
          <Item key={a.id} a={a} />
        ))}
      </ul>
      <h2>{t('processes.review.decided', { count: decided.length })}</h2>
      <ul class="results applications">
        {decided.map((a) => (
          <Item key={a.id} a={a} />
        ))}
      </ul>
    </>
  );
}

async function renderReview(
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  problem: AppError | null = null,
) {
  const { process, audience, items } = await accreditation.listForReview(request.ctx, slug);
  return sendPage(
    request,
    reply,
    {
      title: request.t('processes.review.title', { name: process.name }),
      status: problem?.status ?? 200,
    },
    <ReviewPage
      process={process}
      items={items}
      delegation={audience.delegation}
      secretariat={audience.secretariat}
      problem={problem}
      rights={processRights(request, process)}
    />,
  );
}

/** Form values → the service's input (the form speaks "yes"/"no", the API booleans). */
function applicationInput(values: Values) {
  const phone = one(values.contactPhone).trim();
  return {
    organisationId: one(values.organisationId),
    meetingId: one(values.meetingId),
    statement: one(values.statement),
    ecosocStatus: one(values.ecosocStatus) === 'yes',
    expertise: many(values.expertise),
    contactName: one(values.contactName),
    contactEmail: one(values.contactEmail).trim(),
    ...(phone ? { contactPhone: phone } : {}),
  };
}

export async function accreditationPages(app: FastifyInstance): Promise<void> {
  app.get('/processes/:slug/apply', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const process = await getProcess(request.ctx, slug);
    const done = typeof (request.query as { done?: unknown }).done === 'string';
    return renderApply(request, reply, process, {}, [], 200, done);
  });

  app.post('/processes/:slug/apply', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const process = await getProcess(request.ctx, slug);
    const values = formValues(request.body);
    try {
      await accreditation.applyForAccreditation(request.ctx, process.id, applicationInput(values));
    } catch (error) {
      const limited = rateLimitedForm(error, request, reply);
      if (limited) return renderApply(request, reply, process, values, limited, 429);
      if (isAppError(error) && (error.errors.length || error.code === 'conflict')) {
        const errors = error.errors.length
          ? error.errors
          : [{ path: '/_form', message: error.message }];
        return renderApply(request, reply, process, values, errors, error.status);
      }
      throw error;
    }
    return reply.redirect(localPath(request, `/processes/${process.slug}/apply?done=1`), 303);
  });

  app.get('/processes/:slug/applications', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    return renderReview(request, reply, slug);
  });

  for (const action of ['object', 'withdraw'] as const) {
    app.post(
      `/processes/:slug/applications/:applicationId/${action}`,
      PAGE,
      async (request, reply) => {
        const { slug, applicationId } = request.params as { slug: string; applicationId: string };
        const process = await getProcess(request.ctx, slug);
        try {
          if (action === 'object') {
            const reason = one(formValues(request.body).reason).trim();
            await accreditation.objectToApplication(request.ctx, process.id, applicationId, {
              reason: reason || null,
            });
          } else {
            await accreditation.withdrawObjection(request.ctx, process.id, applicationId);
          }
        } catch (error) {
          // Refusals a focal point can act on (period over, already objected) are shown on the list.
          if (isAppError(error) && (error.code === 'conflict' || error.code === 'validation'))
            return renderReview(request, reply, slug, error);
          throw error;
        }
        return reply.redirect(
          localPath(
            request,
            `/processes/${process.slug}/applications#application-${applicationId}`,
          ),
          303,
        );
      },
    );
  }
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { isAppError, type FieldError } from '../../platform/errors.ts';
import { validate } from '../../platform/validation.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextField,
  errorsByField,
} from '../../web/components/form.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import { isAllowed } from '../accounts/index.ts';
import { countries, countryName } from '../reference/index.ts';
import * as processes from './processes.service.ts';
import { consultationsOfProcess } from './consultations.service.ts';
import { myApplications } from './accreditation.service.ts';
import { MODALITIES, PROCESS_KINDS, type Process } from './processes.ts';
import type { PublicApplication } from './accreditation.service.ts';
import { DateRange, DemoNotice, Instant, OutcomeTag, ProcessNav, Prose } from './components.tsx';
import { localPath } from './page-helpers.ts';

const PAGE = { config: { page: true }, schema: { hide: true } } as const;

const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(Type.String({ enum: ['', ...PROCESS_KINDS] })),
    modality: Type.Optional(Type.String({ enum: ['', ...MODALITIES] })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  },
  { additionalProperties: false },
);

export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });

/** What the reader may do in a process, for the tabs. */
export function processRights(request: FastifyRequest, process: Process) {
  const scope = { type: 'process' as const, id: process.id };
  return {
    review: isAllowed(request.ctx, 'process.review', scope),
    manage: isAllowed(request.ctx, 'process.manage', scope),
  };
}

function ProcessList(props: {
  items: Process[];
  total: number;
  page: number;
  pageSize: number;
  query: Static<typeof ListQuery>;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('processes.list.title')}</h1>
      <p class="lead">{t('processes.list.intro')}</p>
      <form method="get" action={view.href('/processes')} class="filters" role="search">
        <div class="field">
          <label for="processes-q">{t('processes.list.search')}</label>
          <input id="processes-q" type="search" name="q" value={props.query.q ?? ''} />
        </div>
        <div class="field">
          <label for="processes-kind">{t('processes.list.kind')}</label>
          <select id="processes-kind" name="kind">
            <option value="">{t('processes.list.any')}</option>
            {PROCESS_KINDS.map((k) => (
              <option key={k} value={k} selected={props.query.kind === k}>
                {t(`processes.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="processes-modality">{t('processes.list.modality')}</label>
          <select id="processes-modality" name="modality">
            <option value="">{t('processes.list.any')}</option>
            {MODALITIES.map((m) => (
              <option key={m} value={m} selected={props.query.modality === m}>
                {t(`processes.modality.${m}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('processes.list.filter')}</button>
      </form>
      <p>{t('processes.list.count', { count: props.total })}</p>
      <ul class="results">
        {props.items.map((p) => (
          <li key={p.id}>
            <h2 class="result-title">
              <a href={view.href(`/processes/${p.slug}`)}>{p.name}</a>
            </h2>
            <ul class="meta">
              <li>{t(`processes.kind.${p.kind}`)}</li>
              <li>
                <span class="tag">{t(`processes.modality.${p.modality}`)}</span>
              </li>
              {p.startsOn ? (
                <li>
                  <DateRange from={p.startsOn} to={p.endsOn} />
                </li>
              ) : null}
              {p.mandate ? <li>{p.mandate}</li> : null}
              {p.parent ? <li>{t('processes.detail.partOf', { name: p.parent.name })}</li> : null}
            </ul>
          </li>
        ))}
      </ul>
      <Pagination page={props.page} pageSize={props.pageSize} total={props.total} />
    </>
  );
}

function Participation(props: { process: Process }): VNode {
  const view = useView();
  const { t } = view;
  const p = props.process;
  const base = `/processes/${p.slug}`;
  return (
    <section aria-labelledby="participation">
      <h2 id="participation">{t('processes.detail.participation')}</h2>
      <p>{t(`processes.modalityHelp.${p.modality}`)}</p>
      {p.modality === 'non-objection' ? (
        <>
          <p>
            {t('processes.detail.period', { days: p.objectionPeriodDays, zone: p.timeZone })}
            {p.ecosocExempt ? ` ${t('processes.detail.ecosocExempt')}` : ''}
          </p>
          <p>
            {t(`processes.disclosure.objector.${p.disclosure.objector}`)}{' '}
            {t(
              p.disclosure.reasonsPublic
                ? 'processes.disclosure.reasonsPublic'
                : 'processes.disclosure.reasonsPrivate',
            )}
          </p>
        </>
      ) : null}
      {p.modality === 'non-objection' || p.modality === 'ecosoc-only' ? (
        <p class="actions">
          <a class="button" href={view.href(`${base}/apply`)}>
            {t('processes.detail.apply')}
          </a>{' '}
          <a class="button secondary" href={view.href(`${base}/register`)}>
            {t('processes.detail.register')}
          </a>
        </p>
      ) : null}
    </section>
  );
}

export function MyApplications(props: {
  items: PublicApplication[];
  process: Process;
}): VNode | null {
  const { t } = useView();
  if (props.items.length === 0) return null;
  return (
    <section aria-labelledby="my-applications">
      <h2 id="my-applications">{t('processes.mine.title')}</h2>
      <ul class="results">
        {props.items.map((a) => (
          <li key={a.id}>
            <strong>{a.organisation.name}</strong> — {a.meeting.title}{' '}
            <OutcomeTag outcome={a.outcome} />
            <ul class="meta">
              <li>
                {t('processes.mine.submitted')}{' '}
                <Instant value={a.submittedAt} timeZone={props.process.timeZone} />
              </li>
              {a.outcome === 'pending' ? (
                <li>
                  {t('processes.mine.deadline')}{' '}
                  <Instant value={a.objectionDeadline} timeZone={props.process.timeZone} />
                </li>
              ) : (
                <li>
                  {t('processes.mine.decided')}{' '}
                  <Instant value={a.decidedAt} timeZone={props.process.timeZone} />
                </li>
              )}
              <li>{t('processes.objections.count', { count: a.objections.count })}</li>
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ProcessDetail(props: {
  process: Process;
  children: Process[];
  consultations: Awaited<ReturnType<typeof consultationsOfProcess>>;
  mine: PublicApplication[];
  rights: { review: boolean; manage: boolean };
}): VNode {
  const view = useView();
  const { t } = view;
  const p = props.process;
  return (
    <>
      <p class="breadcrumb">
        <a href={view.href('/processes')}>{t('processes.list.title')}</a>
        {p.parent ? (
          <>
            {' › '}
            <a href={view.href(`/processes/${p.parent.slug}`)}>{p.parent.name}</a>
          </>
        ) : null}
      </p>
      <h1>{p.name}</h1>
      <ProcessNav process={p} current="overview" {...props.rights} />
      {p.isDemo ? <DemoNotice /> : null}
      <dl class="facts">
        <dt>{t('processes.detail.kind')}</dt>
        <dd>{t(`processes.kind.${p.kind}`)}</dd>
        {p.mandate ? (
          <>
            <dt>{t('processes.detail.mandate')}</dt>
            <dd>{p.mandate}</dd>
          </>
        ) : null}
        {p.startsOn ? (
          <>
            <dt>{t('processes.detail.dates')}</dt>
            <dd>
              <DateRange from={p.startsOn} to={p.endsOn} />
            </dd>
          </>
        ) : null}
        <dt>{t('processes.detail.modality')}</dt>
        <dd>{t(`processes.modality.${p.modality}`)}</dd>
        {p.website ? (
          <>
            <dt>{t('processes.detail.website')}</dt>
            <dd>
              <a href={p.website} rel="noopener">
                {p.website}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      <Prose text={p.description} />
      {props.children.length ? (
        <section aria-labelledby="groups">
          <h2 id="groups">{t('processes.detail.groups')}</h2>
          <ul>
            {props.children.map((c) => (
              <li key={c.id}>
                <a href={view.href(`/processes/${c.slug}`)}>{c.name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="meetings">
        <h2 id="meetings">{t('processes.detail.meetings')}</h2>
        {p.meetings.length === 0 ? (
          <p>{t('processes.detail.noMeetings')}</p>
        ) : (
          <div class="table-scroll" role="region" aria-labelledby="meetings" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('processes.detail.meeting')}</th>
                  <th scope="col">{t('processes.detail.dates')}</th>
                  <th scope="col">{t('processes.detail.location')}</th>
                </tr>
              </thead>
              <tbody>
                {p.meetings.map((m) => (
                  <tr key={m.id}>
                    <td>{m.url ? <a href={m.url}>{m.title}</a> : m.title}</td>
                    <td>
                      <DateRange from={m.startsOn} to={m.endsOn} />
                    </td>
                    <td>{m.location ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <Participation process={p} />
      <MyApplications items={props.mine} process={p} />
      {props.consultations.length ? (
        <section aria-labelledby="consultations">
          <h2 id="consultations">{t('processes.detail.consultations')}</h2>
          <ul class="results">
            {props.consultations.map((c) => (
              <li key={c.id}>
                <a href={view.href(`/consultations/${c.slug}`)}>{c.title}</a>{' '}
                <span class="tag">{t(`processes.consultation.phase.${c.phase}`)}</span>
                <ul class="meta">
                  <li>
                    {t('processes.consultation.closes')}{' '}
                    <Instant value={c.closesAt} timeZone={p.timeZone} />
                  </li>
                </ul>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <JsonLd
        data={{
          '@type': 'Project',
          name: p.name,
          description: p.description.slice(0, 500),
          url: `${view.baseUrl}/processes/${p.slug}`,
          ...(p.website ? { sameAs: p.website } : {}),
        }}
      />
    </>
  );
}

// --- Delegations (the secretariat names focal points and the states they speak for)

function DelegationsPage(props: {
  process: Process;
  delegations: processes.Delegation[];
  states: Array<{ value: string; label: string }>;
  values: Record<string, string>;
  errors: FieldError[];
}): VNode {
  const view = useView();
  const { t } = view;
  const errors = errorsByField(props.errors);
  const base = `/processes/${props.process.slug}`;
  return (
    <>
      <h1>{t('processes.delegations.title', { name: props.process.name })}</h1>
      <ProcessNav process={props.process} current="delegations" review manage />
      <p>{t('processes.delegations.intro')}</p>
      {props.delegations.length === 0 ? (
        <p>{t('processes.delegations.none')}</p>
      ) : (
        <div
          class="table-scroll"
          role="region"
          aria-label={t('processes.delegations.title', { name: props.process.name })}
          tabIndex={0}
        >
          <table>
            <thead>
              <tr>
                <th scope="col">{t('processes.delegations.state')}</th>
                <th scope="col">{t('processes.delegations.person')}</th>
                <th scope="col">{t('processes.delegations.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.delegations.map((d) => (
                <tr key={d.userId}>
                  <td>{countryName(d.country, view.locale)}</td>
                  <td>
                    {d.name} &lt;{d.email}&gt;
                  </td>
                  <td>
                    <PostForm action={`${base}/delegations/${d.userId}/remove`} class="inline">
                      <button type="submit" class="danger">
                        {t('processes.delegations.remove')}
                      </button>
                    </PostForm>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('processes.delegations.add')}</h2>
      <ErrorSummary errors={errors} />
      <PostForm action={`${base}/delegations`}>
        <TextField
          name="email"
          type="email"
          label={t('processes.delegations.email')}
          value={props.values.email}
          errors={errors}
          required
        />
        <SelectField
          name="country"
          label={t('processes.delegations.state')}
          options={props.states}
          value={props.values.country}
          emptyLabel={t('processes.delegations.chooseState')}
          errors={errors}
          required
        />
        <button type="submit">{t('processes.delegations.save')}</button>
      </PostForm>
    </>
  );
}

export async function processPages(app: FastifyInstance): Promise<void> {
  app.get('/processes', PAGE, async (request, reply) => {
    const parsed = validate(ListQuery, request.query);
    const query = parsed.ok ? parsed.value : {};
    const result = await processes.listProcesses(request.ctx, {
      q: query.q,
      kind: query.kind || undefined,
      modality: query.modality || undefined,
      page: query.page ?? 1,
      pageSize: 20,
    });
    return sendPage(
      request,
      reply,
      { title: request.t('processes.list.title'), description: request.t('processes.list.intro') },
      <ProcessList {...result} query={query} />,
    );
  });

  app.get('/processes/:slug', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const process = await processes.getProcess(request.ctx, slug);
    const [children, consultations, mine] = await Promise.all([
      processes.childProcesses(request.ctx, process.id),
      consultationsOfProcess(request.ctx, process.id),
      myApplications(request.ctx, process.id),
    ]);
    return sendPage(
      request,
      reply,
      { title: process.name, description: process.description.slice(0, 200) },
      <ProcessDetail
        process={process}
        children={children}
        consultations={consultations}
        mine={mine}
        rights={processRights(request, process)}
      />,
    );
  });

  async function renderDelegations(
    request: FastifyRequest,
    reply: FastifyReply,
    process: Process,
    values: Record<string, string> = {},
    errors: FieldError[] = [],
    status = 200,
  ) {
    const delegations = await processes.listDelegations(request.ctx, process.id);
    const states = (await countries(request.ctx))
      .filter((c) => c.unMember)
      .map((c) => ({ value: c.iso2, label: countryName(c.iso2, request.locale) }))
      .sort((a, b) => a.label.localeCompare(b.label, request.locale));
    return sendPage(
      request,
      reply,
      { title: request.t('processes.delegations.title', { name: process.name }), status },
      <DelegationsPage
        process={process}
        delegations={delegations}
        states={states}
        values={values}
        errors={errors}
      />,
    );
  }

  app.get('/processes/:slug/delegations', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const process = await processes.getProcess(request.ctx, slug);
    return renderDelegations(request, reply, process);
  });

  app.post('/processes/:slug/delegations', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const process = await processes.getProcess(request.ctx, slug);
    const body = (request.body ?? {}) as Record<string, string>;
    const values = { email: String(body.email ?? ''), country: String(body.country ?? '') };
    try {
      await processes.setDelegation(request.ctx, process.id, values);
    } catch (error) {
      if (isAppError(error) && error.errors.length)
        return renderDelegations(request, reply, process, values, error.errors, error.status);
      throw error;
    }
    return reply.redirect(localPath(request, `/processes/${process.slug}/delegations`), 303);
  });

  app.post('/processes/:slug/delegations/:userId/remove', PAGE, async (request, reply) => {
    const { slug, userId } = request.params as { slug: string; userId: string };
    const process = await processes.getProcess(request.ctx, slug);
    await processes.removeDelegation(request.ctx, process.id, userId);
    return reply.redirect(localPath(request, `/processes/${process.slug}/delegations`), 303);
  });
}

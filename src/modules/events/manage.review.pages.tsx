/**
 * Organisers' pages for reviewing a call: the reviewer pool with load and conflicts, automatic
 * assignment, the ranking with raw and normalised scores and calibration, a decision per proposal,
 * and the decisions held pending with their letters, released together.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  type FormErrors,
} from '../../web/components/form.tsx';
import { TAXONOMIES } from '../reference/index.ts';
import * as pool from './pool.service.ts';
import * as review from './review.service.ts';
import * as similar from './similar.service.ts';
import { SimilarityReason, SuggestMergeForm } from './manage.similar.pages.tsx';
import { REVIEW_ACTIONS } from './events.ts';
import type { EventRecord } from './events.present.ts';
import { attempt } from './pages.shared.tsx';
import {
  Flash,
  formErrors,
  formValues,
  managedEvent,
  ManageNav,
  type FormValues,
} from './manage.shared.tsx';
import { RowField, RowSelect } from './manage.event.pages.tsx';
import { callOf } from './manage.call.pages.tsx';
import { seeOther } from '../../web/redirect.ts';

const page = { config: { page: true }, schema: { hide: true } } as const;

const DONE = new Set([
  'reviewer-added',
  'reviewer-saved',
  'reviewer-removed',
  'conflict-recorded',
  'conflict-removed',
  'assigned',
  'decided',
  'released',
]);

function flashOf(request: FastifyRequest): string | null {
  const q = request.query as { done?: unknown; n?: unknown } | undefined;
  const done = q?.done;
  if (typeof done !== 'string' || !DONE.has(done)) return null;
  const count = Number(typeof q?.n === 'string' ? q.n : 0);
  return request.t(`events.manage.done.${done}`, { count: Number.isFinite(count) ? count : 0 });
}

interface Failure {
  /** Which form failed: "add", "conflict", or "reviewer.<userId>". */
  key: string;
  values: FormValues;
  errors: FormErrors;
}

function summaryOf(failure: Failure | null): FormErrors {
  const out: FormErrors = {};
  if (!failure) return out;
  for (const [field, message] of Object.entries(failure.errors)) {
    out[field === '_form' ? '_form' : `${failure.key}.${field}`] = message;
  }
  return out;
}

function ReviewersPage(props: {
  event: EventRecord;
  overview: pool.PoolOverview;
  failure: Failure | null;
  flash: string | null;
}) {
  const view = useView();
  const { t } = view;
  const { event, overview, failure } = props;
  const base = `/events/${event.slug}/manage/calls/${overview.call.id}`;
  const groups = TAXONOMIES.stakeholderGroup.map((g) => ({
    value: g.code,
    label: view.term('stakeholderGroup', g.code),
  }));
  const err = (key: string, field: string) =>
    failure?.key === key ? failure.errors[field] : undefined;
  const val = (key: string, field: string, fallback: string) =>
    failure?.key === key ? (failure.values[field] ?? '') : fallback;
  const unfilled = overview.proposals.filter(
    (p) => p.assigned < overview.call.reviewsPerProposal,
  ).length;
  return (
    <>
      <h1>{t('events.manage.reviewersTitle', { title: overview.call.title })}</h1>
      <ManageNav event={event} current={`${base}/reviewers`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={summaryOf(failure)} />
      <p>
        {t('events.manage.poolSummary', {
          reviewers: overview.reviewers.length,
          proposals: overview.proposals.length,
          unfilled,
        })}
      </p>
      <ul class="inline-list">
        {Object.entries(overview.groups).map(([g, n]) => (
          <li key={g}>
            {view.term('stakeholderGroup', g)}: {n}
          </li>
        ))}
      </ul>
      <PostForm action={`${base}/assign`}>
        <button type="submit">
          {t('events.manage.assign', { count: overview.call.reviewsPerProposal })}
        </button>
      </PostForm>
      <h2>{t('events.manage.reviewers')}</h2>
      {overview.reviewers.length === 0 ? <p>{t('events.manage.noReviewers')}</p> : null}
      <div class="table-scroll">
        <table>
          <caption>{t('events.manage.loadCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('events.manage.reviewer')}</th>
              <th scope="col">{t('events.manage.assigned')}</th>
              <th scope="col">{t('events.manage.reviewed')}</th>
              <th scope="col">{t('events.manage.conflicts')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.reviewers.map((r) => (
              <tr key={r.userId}>
                <th scope="row">{r.name}</th>
                <td>{r.assigned}</td>
                <td>{r.reviewed}</td>
                <td>{r.conflicts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {overview.reviewers.map((r) => {
        const key = `reviewer.${r.userId}`;
        return (
          <div key={r.userId} class="row-form">
            <h3>
              {r.name} <span class="meta">{r.email}</span>
            </h3>
            <PostForm action={`${base}/reviewers/${r.userId}`} class="row-fields">
              <RowSelect
                id={`${key}.stakeholderGroup`}
                name="stakeholderGroup"
                label={t('events.editor.stakeholderGroup')}
                value={val(key, 'stakeholderGroup', r.stakeholderGroup)}
                options={groups}
                error={err(key, 'stakeholderGroup')}
              />
              <RowField
                id={`${key}.organisation`}
                name="organisation"
                label={t('events.editor.organisation')}
                value={val(key, 'organisation', r.organisation)}
                error={err(key, 'organisation')}
              />
              <button type="submit" class="secondary">
                {t('events.manage.form.save')}
                <span class="visually-hidden"> – {r.name}</span>
              </button>
            </PostForm>
            <PostForm action={`${base}/reviewers/${r.userId}/remove`} class="inline">
              <button type="submit" class="link">
                {t('events.manage.removeReviewer')}
                <span class="visually-hidden"> – {r.name}</span>
              </button>
            </PostForm>
          </div>
        );
      })}
      <h2>{t('events.manage.addReviewer')}</h2>
      <p class="hint">{t('events.manage.addReviewerHint')}</p>
      <PostForm action={`${base}/reviewers`} class="row-fields">
        <RowField
          id="add.email"
          name="email"
          type="email"
          label={t('events.editor.email')}
          value={val('add', 'email', '')}
          error={err('add', 'email')}
        />
        <RowSelect
          id="add.stakeholderGroup"
          name="stakeholderGroup"
          label={t('events.editor.stakeholderGroup')}
          value={val('add', 'stakeholderGroup', '')}
          options={groups}
          emptyLabel={t('events.editor.choose')}
          error={err('add', 'stakeholderGroup')}
        />
        <RowField
          id="add.organisation"
          name="organisation"
          label={t('events.editor.organisation')}
          value={val('add', 'organisation', '')}
          error={err('add', 'organisation')}
        />
        <button type="submit">{t('events.manage.addReviewer')}</button>
      </PostForm>
      <h2>{t('events.manage.conflictsTitle')}</h2>
      {overview.conflicts.length === 0 ? <p>{t('events.manage.noConflicts')}</p> : null}
      <ul>
        {overview.conflicts.map((c) => (
          <li key={`${c.proposalId}:${c.reviewerId}`}>
            {c.reviewer} – {c.title}
            {c.reason ? ` (${c.reason})` : ''}{' '}
            <PostForm action={`${base}/conflicts/remove`} class="inline">
              <input type="hidden" name="reviewerId" value={c.reviewerId} />
              <input type="hidden" name="proposalId" value={c.proposalId} />
              <button type="submit" class="link">
                {t('events.manage.removeConflict')}
                <span class="visually-hidden">
                  {' '}
                  – {c.reviewer}, {c.title}
                </span>
              </button>
            </PostForm>
          </li>
        ))}
      </ul>
      <h3>{t('events.manage.recordConflict')}</h3>
      <PostForm action={`${base}/conflicts`} class="row-fields">
        <RowSelect
          id="conflict.reviewerId"
          name="reviewerId"
          label={t('events.manage.reviewer')}
          value={val('conflict', 'reviewerId', '')}
          options={overview.reviewers.map((r) => ({ value: r.userId, label: r.name }))}
          emptyLabel={t('events.editor.choose')}
          error={err('conflict', 'reviewerId')}
        />
        <RowSelect
          id="conflict.proposalId"
          name="proposalId"
          label={t('events.manage.proposal')}
          value={val('conflict', 'proposalId', '')}
          options={overview.proposals.map((p) => ({ value: p.id, label: p.title }))}
          emptyLabel={t('events.editor.choose')}
          error={err('conflict', 'proposalId')}
        />
        <RowField
          id="conflict.reason"
          name="reason"
          label={t('events.review.conflictReason')}
          value={val('conflict', 'reason', '')}
          error={err('conflict', 'reason')}
        />
        <button type="submit">{t('events.manage.recordConflict')}</button>
      </PostForm>
    </>
  );
}

type Ranking = Awaited<ReturnType<typeof review.callRanking>>;

function RankingPage(props: { event: EventRecord; ranking: Ranking; flash: string | null }) {
  const view = useView();
  const { t } = view;
  const { event, ranking } = props;
  const base = `/events/${event.slug}/manage/calls/${ranking.call.id}`;
  const fixed = (x: number) =>
    view.formatNumber(x, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const decision = (d: string | null, status: string | null) =>
    d
      ? `${t(`events.decision.${d}`)}${status === 'pending' ? ` (${t('events.decision.pending')})` : ''}`
      : t('events.manage.undecided');
  return (
    <>
      <h1>{t('events.manage.rankingTitle', { title: ranking.call.title })}</h1>
      <ManageNav event={event} current={`${base}/ranking`} />
      <Flash message={props.flash} />
      <p>{t('events.manage.rankingHint')}</p>
      <div class="table-scroll">
        <table>
          <caption>{t('events.manage.ranking')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('events.manage.rank')}</th>
              <th scope="col">{t('events.editor.title')}</th>
              <th scope="col">{t('events.manage.reviews')}</th>
              <th scope="col">{t('events.manage.raw')}</th>
              <th scope="col">{t('events.manage.normalised')}</th>
              <th scope="col">{t('events.manage.proposed')}</th>
              <th scope="col">{t('events.manage.decision')}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.rows.map((r) => (
              <tr key={r.proposalId}>
                <td>{r.rank}</td>
                <th scope="row">
                  <a href={view.href(`/proposals/${r.proposalId}`)}>{r.title}</a>
                </th>
                <td>{r.reviews}</td>
                <td>{fixed(r.raw)}</td>
                <td>{fixed(r.normalised)}</td>
                <td>
                  {REVIEW_ACTIONS.filter((a) => r.actions[a] > 0)
                    .map((a) => `${t(`events.decision.${a}`)}: ${r.actions[a]}`)
                    .join(' · ')}
                </td>
                <td>
                  {decision(r.decision, r.decisionStatus)}
                  {r.decisionStatus !== 'released' ? (
                    <>
                      {' '}
                      <a href={view.href(`${base}/decisions/${r.proposalId}`)}>
                        {t('events.manage.decide')}
                        <span class="visually-hidden"> – {r.title}</span>
                      </a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
            {ranking.unreviewed.map((p) => (
              <tr key={p.id}>
                <td>–</td>
                <th scope="row">
                  <a href={view.href(`/proposals/${p.id}`)}>{p.title}</a>
                </th>
                <td>0</td>
                <td>–</td>
                <td>–</td>
                <td>–</td>
                <td>
                  {decision(p.decision, p.decisionStatus)}{' '}
                  {p.decisionStatus !== 'released' ? (
                    <a href={view.href(`${base}/decisions/${p.id}`)}>
                      {t('events.manage.decide')}
                      <span class="visually-hidden"> – {p.title}</span>
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t('events.manage.calibration')}</h2>
      <p>{t('events.manage.calibrationHint')}</p>
      <div class="table-scroll">
        <table>
          <caption>{t('events.manage.calibration')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('events.manage.reviewer')}</th>
              <th scope="col">{t('events.manage.assigned')}</th>
              <th scope="col">{t('events.manage.reviews')}</th>
              <th scope="col">{t('events.manage.mean')}</th>
              <th scope="col">{t('events.manage.sd')}</th>
              <th scope="col">{t('events.manage.min')}</th>
              <th scope="col">{t('events.manage.max')}</th>
              <th scope="col">{t('events.manage.offset')}</th>
            </tr>
          </thead>
          <tbody>
            {ranking.calibration.map((c) => (
              <tr key={c.reviewerId}>
                <th scope="row">{c.name}</th>
                <td>{c.assigned}</td>
                <td>{c.reviews}</td>
                <td>{fixed(c.mean)}</td>
                <td>{fixed(c.sd)}</td>
                <td>{fixed(c.min)}</td>
                <td>{fixed(c.max)}</td>
                <td>{fixed(c.offset)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type DecisionData = Awaited<ReturnType<typeof review.decisionView>>;

function DecisionPage(props: {
  event: EventRecord;
  data: DecisionData;
  similar: Awaited<ReturnType<typeof similar.similarToProposal>>;
  values: FormValues;
  errors: FormErrors;
}) {
  const view = useView();
  const { t } = view;
  const { event, data } = props;
  const p = data.proposal;
  const base = `/events/${event.slug}/manage/calls/${data.call.id}`;
  return (
    <>
      <h1>{t('events.manage.decisionTitle', { title: p.title })}</h1>
      <ManageNav event={event} current={`${base}/ranking`} />
      <p>
        <a href={view.href(`${base}/ranking`)}>{t('events.manage.backToRanking')}</a> ·{' '}
        <a href={view.href(`/proposals/${p.id}`)}>{t('events.manage.readProposal')}</a>
      </p>
      <ErrorSummary errors={props.errors} />
      <h2>{t('events.manage.reviewsOf')}</h2>
      {data.reviews.length === 0 ? <p>{t('events.manage.noReviews')}</p> : null}
      <ul>
        {data.reviews.map((r, i) => (
          <li key={i}>
            {r.reviewer}: {view.formatNumber(r.weighted, { maximumFractionDigits: 2 })} ·{' '}
            {t(`events.decision.${r.action}`)}
            {r.comment ? <blockquote>{r.comment}</blockquote> : null}
          </li>
        ))}
      </ul>
      <h2>{t('events.manage.similarOf')}</h2>
      {props.similar.length === 0 ? <p>{t('events.manage.noSimilarOf')}</p> : null}
      <ul class="similar-pairs">
        {props.similar.map((s) => (
          <li key={s.other.id}>
            <a href={view.href(`/proposals/${s.other.id}`)}>{s.other.title}</a> –{' '}
            <SimilarityReason similarity={s.similarity} sharedTerms={s.sharedTerms} />
            <SuggestMergeForm base={base} pair={s} failure={null} />
          </li>
        ))}
      </ul>
      <h2>{t('events.manage.decision')}</h2>
      <p class="hint">{t('events.manage.decisionHint')}</p>
      <PostForm action={`${base}/decisions/${p.id}`}>
        <SelectField
          name="decision"
          label={t('events.manage.decision')}
          value={props.values.decision ?? p.decision ?? ''}
          emptyLabel={t('events.editor.choose')}
          options={REVIEW_ACTIONS.map((a) => ({ value: a, label: t(`events.decision.${a}`) }))}
          errors={props.errors}
          required
        />
        <SelectField
          name="mergeWithId"
          label={t('events.manage.mergeWith')}
          value={props.values.mergeWithId ?? p.mergeWithId ?? ''}
          emptyLabel={t('events.manage.noMerge')}
          options={data.mergeTargets.map((m) => ({ value: m.id, label: m.title }))}
          errors={props.errors}
        />
        <TextArea
          name="note"
          label={t('events.manage.note')}
          hint={t('events.manage.noteHint')}
          value={props.values.note ?? p.decisionNote}
          errors={props.errors}
          maxLength={5000}
          rows={4}
        />
        <button type="submit">{t('events.manage.hold')}</button>
      </PostForm>
      {data.letters.length ? (
        <>
          <h2>{t('events.manage.letterPreview')}</h2>
          {data.letters.slice(0, 1).map((l) => (
            <pre key={l.id} class="letter">
              {l.subject}
              {'\n\n'}
              {l.body}
            </pre>
          ))}
        </>
      ) : null}
    </>
  );
}

type Decisions = Awaited<ReturnType<typeof review.decisionsOverview>>;

function DecisionsPage(props: {
  event: EventRecord;
  data: Decisions;
  flash: string | null;
  error: string | null;
}) {
  const view = useView();
  const { t } = view;
  const { event, data } = props;
  const base = `/events/${event.slug}/manage/calls/${data.call.id}`;
  return (
    <>
      <h1>{t('events.manage.decisionsTitle', { title: data.call.title })}</h1>
      <ManageNav event={event} current={`${base}/decisions`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={props.error ? { _form: props.error } : {}} />
      <p>
        {t('events.manage.decisionCounts', {
          pending: data.pending.length,
          released: data.released,
          undecided: data.undecided,
        })}
      </p>
      <h2>{t('events.manage.pending')}</h2>
      {data.pending.length === 0 ? <p>{t('events.manage.noPending')}</p> : null}
      <ul>
        {data.pending.map((p) => (
          <li key={p.id}>
            <a href={view.href(`${base}/decisions/${p.id}`)}>{p.title}</a> –{' '}
            {t(`events.decision.${p.decision}`)}
          </li>
        ))}
      </ul>
      <h2>{t('events.manage.outbox')}</h2>
      <p>{t('events.manage.outboxHint')}</p>
      {data.held.length === 0 ? <p>{t('events.manage.noLetters')}</p> : null}
      <ul class="letters">
        {data.held.map((l) => (
          <li key={l.id}>
            <details>
              <summary>
                {l.to_address} – {l.subject}
              </summary>
              <pre class="letter">{l.body}</pre>
            </details>
          </li>
        ))}
      </ul>
      <PostForm action={`${base}/release`}>
        <button type="submit" disabled={data.pending.length === 0}>
          {t('events.manage.release', { count: data.pending.length })}
        </button>
      </PostForm>
      {data.sent.length ? (
        <>
          <h2>{t('events.manage.sent')}</h2>
          <ul>
            {data.sent.map((l) => (
              <li key={l.id}>
                {l.to_address} – {l.subject} ({view.formatDate(l.sent_at)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export async function manageReviewPages(app: FastifyInstance): Promise<void> {
  const callParams = async (request: FastifyRequest) => {
    const event = await managedEvent(request);
    const call = callOf(event, (request.params as { callId: string }).callId);
    return { event, call, base: `/events/${event.slug}/manage/calls/${call.id}` };
  };

  const reviewersPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    failure: Failure | null,
    status = 200,
  ) => {
    const { event, call } = await callParams(request);
    const overview = await pool.poolOverview(request.ctx, call.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.reviewersTitle', { title: call.title }), status },
      <ReviewersPage
        event={event}
        overview={overview}
        failure={failure}
        flash={failure ? null : flashOf(request)}
      />,
    );
  };

  app.get('/events/:slug/manage/calls/:callId/reviewers', page, async (request, reply) =>
    reviewersPage(request, reply, null),
  );

  /** A pool form: redirect back on success, or the pool page with the form's errors. */
  const poolAction =
    (
      key: (params: Record<string, string>) => string,
      run: (
        request: FastifyRequest,
        ids: { eventId: string; callId: string },
        values: FormValues,
      ) => Promise<unknown>,
      done: (value: unknown) => string,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { event, call, base } = await callParams(request);
      const values = formValues(request.body);
      const result = await attempt(() =>
        run(request, { eventId: event.id, callId: call.id }, values),
      );
      if (result.ok) return seeOther(request, reply, `${base}/reviewers?${done(result.value)}`);
      return reviewersPage(
        request,
        reply,
        {
          key: key(request.params as Record<string, string>),
          values,
          errors: formErrors(result.error),
        },
        result.error.status,
      );
    };

  const reviewerFields = (v: FormValues) => ({
    stakeholderGroup: v.stakeholderGroup ?? '',
    organisation: v.organisation ?? '',
  });

  app.post(
    '/events/:slug/manage/calls/:callId/reviewers',
    page,
    poolAction(
      () => 'add',
      (r, ids, v) =>
        pool.addReviewer(r.ctx, ids.eventId, { email: v.email ?? '', ...reviewerFields(v) }),
      () => 'done=reviewer-added',
    ),
  );
  app.post(
    '/events/:slug/manage/calls/:callId/reviewers/:userId',
    page,
    poolAction(
      (p) => `reviewer.${p.userId}`,
      (r, ids, v) =>
        pool.updateReviewer(
          r.ctx,
          ids.eventId,
          (r.params as { userId: string }).userId,
          reviewerFields(v),
        ),
      () => 'done=reviewer-saved',
    ),
  );
  app.post(
    '/events/:slug/manage/calls/:callId/reviewers/:userId/remove',
    page,
    poolAction(
      (p) => `reviewer.${p.userId}`,
      (r, ids) => pool.removeReviewer(r.ctx, ids.eventId, (r.params as { userId: string }).userId),
      () => 'done=reviewer-removed',
    ),
  );
  app.post(
    '/events/:slug/manage/calls/:callId/conflicts',
    page,
    poolAction(
      () => 'conflict',
      (r, ids, v) =>
        pool.recordConflict(r.ctx, ids.callId, {
          reviewerId: v.reviewerId ?? '',
          proposalId: v.proposalId ?? '',
          reason: v.reason ?? '',
        }),
      () => 'done=conflict-recorded',
    ),
  );
  app.post(
    '/events/:slug/manage/calls/:callId/conflicts/remove',
    page,
    poolAction(
      () => 'conflict',
      (r, ids, v) =>
        pool.removeConflict(r.ctx, ids.callId, {
          reviewerId: v.reviewerId ?? '',
          proposalId: v.proposalId ?? '',
        }),
      () => 'done=conflict-removed',
    ),
  );
  app.post(
    '/events/:slug/manage/calls/:callId/assign',
    page,
    poolAction(
      () => 'assign',
      (r, ids) => review.assignCall(r.ctx, ids.callId),
      (value) => `done=assigned&n=${(value as { assignments: unknown[] }).assignments.length}`,
    ),
  );

  app.get('/events/:slug/manage/calls/:callId/ranking', page, async (request, reply) => {
    const { event, call } = await callParams(request);
    const ranking = await review.callRanking(request.ctx, call.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.rankingTitle', { title: call.title }) },
      <RankingPage event={event} ranking={ranking} flash={flashOf(request)} />,
    );
  });

  const decisionPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: FormValues,
    errors: FormErrors,
    status = 200,
  ) => {
    const { event, call } = await callParams(request);
    const { proposalId } = request.params as { proposalId: string };
    const data = await review.decisionView(request.ctx, proposalId);
    if (data.call.id !== call.id) throw AppError.notFound('The proposal');
    const similarOnes = await similar.similarToProposal(request.ctx, call.id, data.proposal.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.decisionTitle', { title: data.proposal.title }), status },
      <DecisionPage
        event={event}
        data={data}
        similar={similarOnes}
        values={values}
        errors={errors}
      />,
    );
  };

  app.get(
    '/events/:slug/manage/calls/:callId/decisions/:proposalId',
    page,
    async (request, reply) => decisionPage(request, reply, {}, {}),
  );

  app.post(
    '/events/:slug/manage/calls/:callId/decisions/:proposalId',
    page,
    async (request, reply) => {
      const { base } = await callParams(request);
      const { proposalId } = request.params as { proposalId: string };
      const values = formValues(request.body);
      const result = await attempt(() =>
        review.setDecision(request.ctx, proposalId, {
          decision: values.decision ?? '',
          note: values.note ?? '',
          mergeWithId: values.mergeWithId || null,
        }),
      );
      if (result.ok) return seeOther(request, reply, `${base}/ranking?done=decided`);
      return decisionPage(request, reply, values, formErrors(result.error), result.error.status);
    },
  );

  const decisionsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    error: string | null,
    status = 200,
  ) => {
    const { event, call } = await callParams(request);
    const data = await review.decisionsOverview(request.ctx, call.id);
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.decisionsTitle', { title: call.title }), status },
      <DecisionsPage
        event={event}
        data={data}
        flash={error ? null : flashOf(request)}
        error={error}
      />,
    );
  };

  app.get('/events/:slug/manage/calls/:callId/decisions', page, async (request, reply) =>
    decisionsPage(request, reply, null),
  );

  app.post('/events/:slug/manage/calls/:callId/release', page, async (request, reply) => {
    const { call, base } = await callParams(request);
    const result = await attempt(() => review.releaseDecisions(request.ctx, call.id));
    if (result.ok)
      return seeOther(
        request,
        reply,
        `${base}/decisions?done=released&n=${result.value.decisions}`,
      );
    return decisionsPage(request, reply, result.error.message, result.error.status);
  });
}

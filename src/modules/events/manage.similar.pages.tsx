/**
 * Organisers' page of similar proposals in a call, and the "suggest merging" form it shares with
 * the decision page of one proposal. Plain forms: POST → 303 → GET, or the page again with the
 * error beside the pair's form.
 */
import type { VNode } from 'preact';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendPage, useView } from '../../web/view.tsx';
import { ErrorSummary, PostForm, type FormErrors } from '../../web/components/form.tsx';
import type { EventRecord } from './events.present.ts';
import * as similar from './similar.service.ts';
import { attempt } from './pages.shared.tsx';
import { seeOther } from '../../web/redirect.ts';
import {
  Flash,
  formErrors,
  formValues,
  managedEvent,
  ManageNav,
  type FormValues,
} from './manage.shared.tsx';
import { RowField } from './manage.event.pages.tsx';
import { callOf } from './manage.call.pages.tsx';

const page = { config: { page: true }, schema: { hide: true } } as const;

/** A refused suggestion: which pair's form, what was typed, and why. */
export interface MergeFailure {
  pair: string;
  values: FormValues;
  errors: FormErrors;
}

const pairId = (a: string, b: string) => `${a}-${b}`;

/** The shared words and the similarity of a pair, the reason it is flagged. */
export function SimilarityReason(props: { similarity: number; sharedTerms: string[] }): VNode {
  const view = useView();
  return (
    <>
      {view.t('events.manage.similarityOf', {
        percent: view.formatNumber(props.similarity, {
          style: 'percent',
          maximumFractionDigits: 0,
        }),
      })}
      {props.sharedTerms.length ? (
        <>
          {' · '}
          {view.t('events.manage.sharedWords', { words: props.sharedTerms.join(', ') })}
        </>
      ) : null}
    </>
  );
}

/** "Suggest merging" for one pair, or when it was suggested. */
export function SuggestMergeForm(props: {
  base: string;
  pair: similar.SimilarPairView;
  failure: MergeFailure | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const { pair, base } = props;
  if (pair.mergeSuggestedAt) {
    return (
      <p class="meta">
        {t('events.manage.mergeSuggestedOn', { date: view.formatDate(pair.mergeSuggestedAt) })}
      </p>
    );
  }
  const id = pairId(pair.a.id, pair.b.id);
  const failure = props.failure?.pair === id ? props.failure : null;
  const error = failure
    ? (failure.errors.note ?? failure.errors._form ?? failure.errors.with)
    : undefined;
  return (
    <PostForm action={`${base}/similar/suggest`} class="row-fields">
      <input type="hidden" name="proposal" value={pair.a.id} />
      <input type="hidden" name="with" value={pair.b.id} />
      <RowField
        id={`merge.${id}.note`}
        name="note"
        label={t('events.manage.mergeNote')}
        value={failure?.values.note ?? ''}
        error={error}
      />
      <button type="submit" class="secondary">
        {t('events.manage.suggestMerge')}
        <span class="visually-hidden">
          {' '}
          – {pair.a.title}, {pair.b.title}
        </span>
      </button>
    </PostForm>
  );
}

function SimilarPage(props: {
  event: EventRecord;
  data: Awaited<ReturnType<typeof similar.similarPairsOfCall>>;
  failure: MergeFailure | null;
  flash: string | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const { event, data, failure } = props;
  const base = `/events/${event.slug}/manage/calls/${data.call.id}`;
  const summary: FormErrors = {};
  if (failure)
    for (const message of Object.values(failure.errors))
      summary[`merge.${failure.pair}.note`] ??= message;
  return (
    <>
      <h1>{t('events.manage.similarTitle', { title: data.call.title })}</h1>
      <ManageNav event={event} current={`${base}/similar`} />
      <Flash message={props.flash} />
      <ErrorSummary errors={summary} />
      <p>{t('events.manage.similarHint')}</p>
      {data.pairs.length === 0 ? <p>{t('events.manage.noSimilar')}</p> : null}
      <ul class="similar-pairs">
        {data.pairs.map((pair) => (
          <li key={pairId(pair.a.id, pair.b.id)} id={`pair-${pairId(pair.a.id, pair.b.id)}`}>
            <h2>
              <a href={view.href(`/proposals/${pair.a.id}`)}>{pair.a.title}</a>
              {' · '}
              <a href={view.href(`/proposals/${pair.b.id}`)}>{pair.b.title}</a>
            </h2>
            <p>
              <SimilarityReason similarity={pair.similarity} sharedTerms={pair.sharedTerms} />
            </p>
            <SuggestMergeForm base={base} pair={pair} failure={failure} />
          </li>
        ))}
      </ul>
    </>
  );
}

export async function manageSimilarPages(app: FastifyInstance): Promise<void> {
  const similarPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    failure: MergeFailure | null,
    status = 200,
  ) => {
    const event = await managedEvent(request);
    const call = callOf(event, (request.params as { callId: string }).callId);
    const data = await similar.similarPairsOfCall(request.ctx, call.id);
    const q = request.query as { done?: unknown; n?: unknown } | undefined;
    const flash =
      !failure && q?.done === 'merge-suggested'
        ? request.t('events.manage.done.merge-suggested', {
            count: Number(typeof q.n === 'string' ? q.n : 0) || 0,
          })
        : null;
    return sendPage(
      request,
      reply,
      { title: request.t('events.manage.similarTitle', { title: call.title }), status },
      <SimilarPage event={event} data={data} failure={failure} flash={flash} />,
    );
  };

  app.get('/events/:slug/manage/calls/:callId/similar', page, async (request, reply) =>
    similarPage(request, reply, null),
  );

  app.post('/events/:slug/manage/calls/:callId/similar/suggest', page, async (request, reply) => {
    const event = await managedEvent(request);
    const call = callOf(event, (request.params as { callId: string }).callId);
    const values = formValues(request.body);
    const proposal = values.proposal ?? '';
    const other = values.with ?? '';
    const result = await attempt(() =>
      similar.suggestMerge(
        request.ctx,
        proposal,
        { with: other, ...(values.note?.trim() ? { note: values.note } : {}) },
        { callId: call.id },
      ),
    );
    const base = `/events/${event.slug}/manage/calls/${call.id}`;
    if (result.ok)
      return seeOther(
        request,
        reply,
        `${base}/similar?done=merge-suggested&n=${result.value.notified}`,
      );
    return similarPage(
      request,
      reply,
      { pair: pairId(proposal, other), values, errors: formErrors(result.error) },
      result.error.status,
    );
  });
}

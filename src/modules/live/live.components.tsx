/**
 * The participant's live view: rendered on the server (the page works without JavaScript, by form
 * posts and reloads) and hydrated by the live island with the very same props, which then keeps it
 * current from the event stream. No server-only imports here: this file is bundled for browsers.
 */
import type { VNode } from 'preact';
import {
  isPublic,
  orderQuestions,
  type HideReason,
  type QuestionStatus,
  type QuestionView,
} from './live.ts';

export interface LiveLabels {
  questionsHeading: string;
  noQuestions: string;
  votes: string;
  vote: string;
  voted: string;
  ownQuestion: string;
  nowAnswering: string;
  answered: string;
  anonymous: string;
  /** "Asked by {name}" */
  askedBy: string;
  /** "Similar questions merged in: {count}" */
  merged: string;
  answerLabel: string;
  origin: { room: string; remote: string };
  remoteSegment: string;
  yourQuestions: string;
  status: Record<QuestionStatus, string>;
  hideReason: Record<HideReason, string>;
  moderatorNote: string;
  askHeading: string;
  askText: string;
  askTextHint: string;
  identity: string;
  showName: string;
  askAnonymously: string;
  anonymousHint: string;
  name: string;
  submit: string;
  sent: string;
  sentPending: string;
  errorSummary: string;
  failed: string;
  closed: string;
}

export interface AskFormState {
  text: string;
  identity: 'name' | 'anonymous';
  name: string;
  errors: Record<string, string>;
}

export interface ParticipantProps {
  sessionId: string;
  /** Locale prefix for links and form actions ("" or "/fr"). */
  base: string;
  after: number;
  open: boolean;
  joined: boolean;
  remoteSegment: boolean;
  questions: QuestionView[];
  mine: QuestionView[];
  voted: string[];
  csrf: string;
  form: AskFormState;
  notice: string | null;
  /** A refusal (already voted, too many questions…) rather than a confirmation. */
  noticeIsProblem?: boolean;
  labels: LiveLabels;
}

export function fill(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/\{(\w+)\}/g, (m, key: string) =>
    values[key] === undefined ? m : String(values[key]),
  );
}

export function QuestionItem(props: {
  question: QuestionView;
  labels: LiveLabels;
  canVote: boolean;
  voted: boolean;
  mine: boolean;
  voteAction: string;
  csrf: string;
  onVote?: (id: string, event: Event) => void;
}): VNode {
  const { question: q, labels } = props;
  return (
    <li
      id={`q-${q.id}`}
      class={`live-question status-${q.status} origin-${q.origin}`}
      data-id={q.id}
    >
      <p class="live-question-badges">
        {q.status === 'pinned' ? <strong class="tag now">{labels.nowAnswering}</strong> : null}
        {q.status === 'answered' ? <span class="tag done">{labels.answered}</span> : null}
        <span class={`tag origin ${q.origin}`}>{labels.origin[q.origin]}</span>
      </p>
      <p class="live-question-text">{q.text}</p>
      <p class="meta">
        <span>
          {q.anonymous ? labels.anonymous : fill(labels.askedBy, { name: q.authorName ?? '' })}
        </span>
        {q.mergedCount > 0 ? <span>{fill(labels.merged, { count: q.mergedCount })}</span> : null}
      </p>
      {q.answer ? (
        <p class="live-answer">
          <strong>{labels.answerLabel}</strong> {q.answer}
        </p>
      ) : null}
      <div class="live-votes">
        <span class="vote-count">
          {labels.votes}: <strong>{q.votes}</strong>
        </span>
        {props.mine ? (
          <span class="meta">{labels.ownQuestion}</span>
        ) : props.voted ? (
          <span class="meta">{labels.voted}</span>
        ) : props.canVote && (q.status === 'approved' || q.status === 'pinned') ? (
          <form
            method="post"
            action={props.voteAction}
            class="inline"
            onSubmit={props.onVote ? (e) => props.onVote!(q.id, e) : undefined}
          >
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button type="submit" class="secondary">
              {labels.vote}
              <span class="visually-hidden">: {q.text.slice(0, 80)}</span>
            </button>
          </form>
        ) : null}
      </div>
    </li>
  );
}

export function MyQuestions(props: { mine: QuestionView[]; labels: LiveLabels }): VNode | null {
  const { labels } = props;
  if (props.mine.length === 0) return null;
  return (
    <section id="your-questions" aria-labelledby="your-questions-heading" class="live-mine">
      <h2 id="your-questions-heading">{labels.yourQuestions}</h2>
      <ul>
        {props.mine.map((q) => (
          <li key={q.id} class={`status-${q.status}`}>
            <p class="live-question-text">{q.text}</p>
            <p class="meta">
              <span class="tag">{labels.status[q.status]}</span>
              {q.status === 'hidden' && q.hideReason ? (
                <span>{labels.hideReason[q.hideReason]}</span>
              ) : null}
            </p>
            {q.status === 'hidden' && q.hideNote ? (
              <p class="meta">
                {labels.moderatorNote} {q.hideNote}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function AskForm(props: {
  action: string;
  csrf: string;
  form: AskFormState;
  labels: LiveLabels;
  busy?: boolean;
  onSubmit?: (event: Event) => void;
  onChange?: (patch: Partial<AskFormState>) => void;
}): VNode {
  const { labels, form } = props;
  const errors = Object.entries(form.errors);
  const described = (name: string, hint?: boolean) =>
    [hint ? `hint-${name}` : null, form.errors[name] ? `error-${name}` : null]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <section aria-labelledby="ask-heading" class="live-ask">
      <h2 id="ask-heading">{labels.askHeading}</h2>
      <form method="post" action={props.action} novalidate onSubmit={props.onSubmit}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        {errors.length > 0 ? (
          <div class="error-summary" role="alert" tabIndex={-1}>
            <h3>{labels.errorSummary}</h3>
            <ul>
              {errors.map(([name, message]) => (
                <li key={name}>
                  {name === '_form' ? message : <a href={`#field-${name}`}>{message}</a>}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <div class={form.errors.text ? 'field has-error' : 'field'}>
          <label for="field-text">{labels.askText}</label>
          <p class="hint" id="hint-text">
            {labels.askTextHint}
          </p>
          {form.errors.text ? (
            <p class="error" id="error-text">
              {form.errors.text}
            </p>
          ) : null}
          <textarea
            id="field-text"
            name="text"
            rows={3}
            maxLength={500}
            aria-describedby={described('text', true)}
            aria-invalid={form.errors.text ? 'true' : undefined}
            value={form.text}
            onInput={
              props.onChange
                ? (e) => props.onChange!({ text: (e.target as HTMLTextAreaElement).value })
                : undefined
            }
          />
        </div>
        <fieldset class="field" id="field-identity">
          <legend>{labels.identity}</legend>
          <div class="checkboxes">
            <label class="checkbox">
              <input
                type="radio"
                name="identity"
                value="name"
                checked={form.identity === 'name'}
                onChange={props.onChange ? () => props.onChange!({ identity: 'name' }) : undefined}
              />{' '}
              {labels.showName}
            </label>
            <label class="checkbox">
              <input
                type="radio"
                name="identity"
                value="anonymous"
                checked={form.identity === 'anonymous'}
                aria-describedby="hint-anonymous"
                onChange={
                  props.onChange ? () => props.onChange!({ identity: 'anonymous' }) : undefined
                }
              />{' '}
              {labels.askAnonymously}
            </label>
          </div>
          <p class="hint" id="hint-anonymous">
            {labels.anonymousHint}
          </p>
        </fieldset>
        <div class={form.errors.name ? 'field has-error' : 'field'}>
          <label for="field-name">{labels.name}</label>
          {form.errors.name ? (
            <p class="error" id="error-name">
              {form.errors.name}
            </p>
          ) : null}
          <input
            id="field-name"
            name="name"
            type="text"
            maxLength={80}
            autocomplete="name"
            value={form.name}
            aria-describedby={described('name')}
            aria-invalid={form.errors.name ? 'true' : undefined}
            onInput={
              props.onChange
                ? (e) => props.onChange!({ name: (e.target as HTMLInputElement).value })
                : undefined
            }
          />
        </div>
        <button type="submit" disabled={props.busy}>
          {labels.submit}
        </button>
      </form>
    </section>
  );
}

export function LiveParticipant(
  props: ParticipantProps & {
    onAsk?: (event: Event) => void;
    onVote?: (id: string, event: Event) => void;
    onChange?: (patch: Partial<AskFormState>) => void;
    busy?: boolean;
  },
): VNode {
  const { labels } = props;
  const path = `${props.base}/live/${props.sessionId}`;
  const mineIds = new Set(props.mine.map((q) => q.id));
  const voted = new Set(props.voted);
  const ordered = orderQuestions(
    props.questions.filter((q) => isPublic(q.status)),
    props.remoteSegment,
  );
  return (
    <div class="live-participant">
      {props.notice ? (
        <p
          class={props.noticeIsProblem ? 'notice warn' : 'notice ok'}
          role={props.noticeIsProblem ? 'alert' : 'status'}
        >
          {props.notice}
        </p>
      ) : (
        <p role="status" class="visually-hidden" />
      )}
      {!props.open ? <p class="notice warn">{labels.closed}</p> : null}
      {props.open && props.joined ? (
        <AskForm
          action={`${path}/ask`}
          csrf={props.csrf}
          form={props.form}
          labels={labels}
          busy={props.busy}
          onSubmit={props.onAsk}
          onChange={props.onChange}
        />
      ) : null}
      <MyQuestions mine={props.mine} labels={labels} />
      <section aria-labelledby="questions-heading" class="live-list">
        <h2 id="questions-heading">{labels.questionsHeading}</h2>
        {props.remoteSegment ? <p class="notice">{labels.remoteSegment}</p> : null}
        {ordered.length === 0 ? <p>{labels.noQuestions}</p> : null}
        <ol class="live-questions">
          {ordered.map((q) => (
            <QuestionItem
              key={q.id}
              question={q}
              labels={labels}
              canVote={props.open && props.joined}
              voted={voted.has(q.id)}
              mine={mineIds.has(q.id)}
              voteAction={`${path}/questions/${q.id}/vote`}
              csrf={props.csrf}
              onVote={props.onVote}
            />
          ))}
        </ol>
      </section>
    </div>
  );
}

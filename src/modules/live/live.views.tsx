/** Server-rendered views of the live pages (the participant's part is shared with the island). */
import { Fragment, type VNode } from 'preact';
import { useView, type View } from '../../web/view.tsx';
import { Island } from '../../web/components/island.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { TAXONOMIES } from '../reference/index.ts';
import { HIDE_REASONS, isPublic, presenterQueue, type QuestionView } from './live.ts';
import {
  LiveParticipant,
  fill,
  type AskFormState,
  type LiveLabels,
  type ParticipantProps,
} from './live.components.tsx';
import { formatDuration, type SpeakingTimeFigures } from './speaking-time.ts';
import type { LiveSessionView } from './live.present.ts';
import type {
  ConsoleData,
  ModerationSummary,
  ParticipantPage,
  RevealedAuthor,
} from './live.service.ts';

export function liveLabels(t: View['t'], moderation = true): LiveLabels {
  const status = (s: string) => t(`live.status.${s}`);
  return {
    questionsHeading: t('live.questions.heading'),
    noQuestions: t('live.questions.none'),
    votes: t('live.questions.votes'),
    vote: t('live.questions.vote'),
    voted: t('live.questions.voted'),
    ownQuestion: t('live.questions.own'),
    nowAnswering: t('live.questions.nowAnswering'),
    answered: t('live.questions.answered'),
    anonymous: t('live.questions.anonymous'),
    askedBy: t('live.questions.askedBy', { name: '{name}' }),
    merged: t('live.questions.merged', { count: '{count}' }),
    answerLabel: t('live.questions.answer'),
    origin: { room: t('live.origin.room'), remote: t('live.origin.remote') },
    remoteSegment: t('live.questions.remoteSegment'),
    yourQuestions: t('live.questions.yours'),
    status: {
      pending: status('pending'),
      approved: status('approved'),
      pinned: status('pinned'),
      answered: status('answered'),
      hidden: status('hidden'),
      merged: status('merged'),
    },
    hideReason: Object.fromEntries(
      HIDE_REASONS.map((r) => [r, t(`live.hideReason.${r}`)]),
    ) as LiveLabels['hideReason'],
    moderatorNote: t('live.questions.moderatorNote'),
    askHeading: t('live.ask.heading'),
    askText: t('live.ask.text'),
    askTextHint: t(moderation ? 'live.ask.textHint' : 'live.ask.textHintOpen'),
    identity: t('live.ask.identity'),
    showName: t('live.ask.showName'),
    askAnonymously: t('live.ask.anonymous'),
    anonymousHint: t('live.ask.anonymousHint'),
    name: t('live.ask.name'),
    submit: t('live.ask.submit'),
    sent: t('live.ask.sent'),
    sentPending: t('live.ask.sentPending'),
    errorSummary: t('live.ask.errorSummary'),
    failed: t('live.ask.failed'),
    closed: t('live.questions.closed'),
  };
}

function groupLabel(t: View['t'], code: string): string {
  const key = `live.group.${code}`;
  const label = t(key);
  return label === key ? code : label;
}

function SessionHeader(props: { session: LiveSessionView; heading?: string }): VNode {
  const view = useView();
  const { session } = props;
  const format = { dateStyle: 'medium', timeStyle: 'short', timeZone: session.timeZone } as const;
  return (
    <header class="live-header">
      <h1>{props.heading ?? session.title}</h1>
      <ul class="meta">
        <li>
          {view.t('live.when', {
            start: view.formatDate(session.startsAt, format),
            end: view.formatDate(session.endsAt, {
              timeStyle: 'short',
              timeZone: session.timeZone,
            }),
            zone: session.timeZone,
          })}
        </li>
        {session.room ? <li>{view.t('live.room', { room: session.room })}</li> : null}
        <li>
          <span class={`tag ${session.status}`}>
            {view.t(session.status === 'open' ? 'live.statusOpen' : 'live.statusClosed')}
          </span>
        </li>
      </ul>
    </header>
  );
}

export function shortLink(view: View, code: string): string {
  return `${view.baseUrl}/l/${code}`;
}

function Share(props: { session: LiveSessionView }): VNode {
  const view = useView();
  const url = shortLink(view, props.session.code);
  return (
    <aside class="live-share" aria-labelledby="share-heading">
      <h2 id="share-heading">{view.t('live.share.heading')}</h2>
      <p>
        {view.t('live.share.link')}: <a href={url}>{url}</a>
      </p>
      <img
        src={`/live/${props.session.id}/qr.svg`}
        alt={view.t('live.share.qrAlt', { url })}
        width={160}
        height={160}
      />
    </aside>
  );
}

function StaffLinks(props: { session: LiveSessionView }): VNode {
  const view = useView();
  const base = `/live/${props.session.id}`;
  return (
    <nav class="live-staff" aria-labelledby="staff-heading">
      <h2 id="staff-heading">{view.t('live.staff.heading')}</h2>
      <ul>
        <li>
          <a href={view.href(`${base}/console`)}>{view.t('live.staff.console')}</a>
        </li>
        <li>
          <a href={view.href(`${base}/presenter`)}>{view.t('live.staff.presenter')}</a>
        </li>
        <li>
          <a href={view.href(`${base}/summary`)}>{view.t('live.staff.summary')}</a>
        </li>
      </ul>
    </nav>
  );
}

function JoinForm(props: {
  session: LiveSessionView;
  participant: ParticipantPage['participant'];
  errors: FormErrors;
  name: string;
}): VNode | null {
  const view = useView();
  const { t } = view;
  const action = `/live/${props.session.id}/join`;
  if (props.session.status !== 'open') return null;
  if (props.participant) {
    const other = props.participant.origin === 'room' ? 'remote' : 'room';
    return (
      <section class="live-joined" aria-label={t('live.join.change')}>
        <p>{t('live.join.joined', { origin: t(`live.origin.${props.participant.origin}`) })}</p>
        <PostForm action={action} class="inline">
          <input type="hidden" name="origin" value={other} />
          <button type="submit" class="link">
            {t(other === 'room' ? 'live.join.switchToRoom' : 'live.join.switchToRemote')}
          </button>
        </PostForm>
      </section>
    );
  }
  return (
    <section class="live-join" aria-labelledby="join-heading">
      <h2 id="join-heading">{t('live.join.heading')}</h2>
      <p>{t('live.join.intro')}</p>
      <PostForm action={action}>
        <ErrorSummary errors={props.errors} />
        <fieldset
          class={props.errors.origin ? 'field has-error' : 'field'}
          id="field-origin"
          aria-describedby={props.errors.origin ? 'error-origin' : undefined}
        >
          <legend>{t('live.join.where')}</legend>
          {props.errors.origin ? (
            <p class="error" id="error-origin">
              {props.errors.origin}
            </p>
          ) : null}
          <div class="checkboxes">
            <label class="checkbox">
              <input type="radio" name="origin" value="room" /> {t('live.join.room')}
            </label>
            <label class="checkbox">
              <input type="radio" name="origin" value="remote" /> {t('live.join.remote')}
            </label>
          </div>
        </fieldset>
        <TextField
          name="name"
          label={t('live.join.name')}
          hint={t('live.join.nameHint')}
          value={props.name}
          maxLength={80}
          autocomplete="name"
          errors={props.errors}
        />
        <button type="submit">{t('live.join.submit')}</button>
      </PostForm>
    </section>
  );
}

export function ParticipantPageView(props: {
  page: ParticipantPage;
  form: AskFormState;
  joinErrors: FormErrors;
  joinName: string;
  notice: string | null;
  noticeIsProblem?: boolean;
  summary: ModerationSummary | null;
}): VNode {
  const view = useView();
  const { page } = props;
  const prefix = view.href('/') === '/' ? '' : view.href('/');
  const islandProps: ParticipantProps & { mode: 'participant' } = {
    mode: 'participant',
    sessionId: page.session.id,
    base: prefix,
    after: page.after,
    open: page.session.status === 'open',
    joined: !!page.participant,
    remoteSegment: page.session.remoteSegment,
    questions: page.questions,
    mine: page.mine,
    voted: page.voted,
    csrf: view.csrfToken,
    form: props.form,
    notice: props.notice,
    noticeIsProblem: props.noticeIsProblem ?? false,
    labels: liveLabels(view.t, page.session.moderation),
  };
  return (
    <div class="live-page">
      <SessionHeader session={page.session} />
      <div class="live-columns">
        <div>
          <JoinForm
            session={page.session}
            participant={page.participant}
            errors={props.joinErrors}
            name={props.joinName}
          />
          <Island name="live" props={islandProps}>
            <LiveParticipant {...islandProps} />
          </Island>
          {props.summary ? <SummaryBody summary={props.summary} /> : null}
        </div>
        <div>
          {page.session.status === 'open' ? <Share session={page.session} /> : null}
          {page.staff ? <StaffLinks session={page.session} /> : null}
        </div>
      </div>
    </div>
  );
}

// ---- Moderator console ----

function Seconds(props: { seconds: number; since?: string | null }): VNode {
  return (
    <span
      data-ticking={props.since ? '' : undefined}
      data-base={props.since ? String(props.seconds) : undefined}
      data-since={props.since ?? undefined}
    >
      {formatDuration(props.seconds)}
    </span>
  );
}

function percent(view: View, share: number): string {
  return view.formatNumber(share, { style: 'percent', maximumFractionDigits: 0 });
}

function SpeakingTime(props: { session: LiveSessionView; figures: SpeakingTimeFigures }): VNode {
  const view = useView();
  const { t } = view;
  const { figures } = props;
  const open = props.session.status === 'open';
  const nameOf = (s: SpeakingTimeFigures['speakers'][number]) =>
    s.role === 'floor'
      ? t(s.origin === 'room' ? 'live.console.floorRoom' : 'live.console.floorRemote')
      : s.name;
  return (
    <section id="speaking-time" aria-labelledby="speaking-heading" data-live-region="">
      <h2 id="speaking-heading">{t('live.console.speakingTime')}</h2>
      <p>{t('live.console.speakingIntro')}</p>
      <div class="table-scroll">
        <table class="live-speakers">
          <thead>
            <tr>
              <th scope="col">{t('live.console.speaker')}</th>
              <th scope="col">{t('live.console.group')}</th>
              <th scope="col">{t('live.console.where')}</th>
              <th scope="col">{t('live.console.time')}</th>
              <th scope="col">{t('live.console.share')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('live.console.start')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {figures.speakers.map((s) => (
              <tr key={s.key} class={s.speaking ? 'speaking' : undefined}>
                <th scope="row">
                  {nameOf(s)}
                  {s.role === 'moderator' ? ` (${t('live.console.roleModerator')})` : ''}
                  {s.speaking ? (
                    <>
                      {' '}
                      <strong class="tag now">{t('live.console.speakingNow')}</strong>
                    </>
                  ) : null}
                </th>
                <td>{groupLabel(t, s.stakeholderGroup)}</td>
                <td>{t(`live.origin.${s.origin}`)}</td>
                <td>
                  <Seconds
                    seconds={s.seconds}
                    since={s.speaking ? (figures.current?.startedAt ?? null) : null}
                  />
                </td>
                <td>
                  {percent(view, s.share)}
                  {s.overFairShare ? (
                    <>
                      {' '}
                      <strong class="tag warn">{t('live.console.overShare')}</strong>
                    </>
                  ) : null}
                </td>
                <td>
                  {open ? (
                    <PostForm action={`/live/${props.session.id}/console/turns`} class="inline">
                      <input type="hidden" name="speaker" value={s.key} />
                      <button type="submit" class={s.speaking ? 'danger' : 'secondary'}>
                        {t(s.speaking ? 'live.console.stop' : 'live.console.start')}
                        <span class="visually-hidden">: {nameOf(s)}</span>
                      </button>
                    </PostForm>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        {t('live.console.total', { time: formatDuration(figures.totalSeconds) })}{' '}
        {figures.voices > 0
          ? t('live.console.fairShare', {
              time: formatDuration(figures.fairShareSeconds),
              voices: figures.voices,
            })
          : null}
      </p>
      <div class="live-columns">
        <div>
          <h3>{t('live.console.byGroup')}</h3>
          <ul>
            {figures.byGroup.map((g) => (
              <li key={g.group}>
                {groupLabel(t, g.group)}: {formatDuration(g.seconds)} ({percent(view, g.share)})
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>{t('live.console.byOrigin')}</h3>
          <ul>
            <li>
              {t('live.origin.room')}: {formatDuration(figures.byOrigin.room)}
            </li>
            <li>
              {t('live.origin.remote')}: {formatDuration(figures.byOrigin.remote)}
            </li>
          </ul>
        </div>
      </div>
    </section>
  );
}

function ModerationForm(props: {
  sessionId: string;
  question: QuestionView;
  action: string;
  label: string;
  secondary?: boolean;
}): VNode {
  return (
    <PostForm
      action={`/live/${props.sessionId}/console/questions/${props.question.id}`}
      class="inline"
    >
      <input type="hidden" name="action" value={props.action} />
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.label}
        <span class="visually-hidden">: {props.question.text.slice(0, 60)}</span>
      </button>
    </PostForm>
  );
}

function ConsoleQuestion(props: {
  sessionId: string;
  question: QuestionView;
  targets: QuestionView[];
  revealed: RevealedAuthor | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const q = props.question;
  const labels = liveLabels(t);
  const id = q.id;
  const action = `/live/${props.sessionId}/console/questions/${id}`;
  const targets = props.targets.filter((o) => o.id !== id);
  return (
    <li id={`q-${id}`} class={`live-question status-${q.status} origin-${q.origin}`}>
      <p class="live-question-badges">
        <span class="tag">{labels.status[q.status]}</span>
        <span class={`tag origin ${q.origin}`}>{labels.origin[q.origin]}</span>
        <span class="tag">{t('live.presenter.votes', { count: q.votes })}</span>
      </p>
      <p class="live-question-text">{q.text}</p>
      <p class="meta">
        <span>
          {q.anonymous ? labels.anonymous : fill(labels.askedBy, { name: q.authorName ?? '' })}
        </span>
        {q.mergedCount > 0 ? <span>{fill(labels.merged, { count: q.mergedCount })}</span> : null}
        {q.status === 'hidden' && q.hideReason ? (
          <span>
            {t('live.console.hiddenBecause', { reason: labels.hideReason[q.hideReason] })}
          </span>
        ) : null}
        {q.status === 'merged' ? <span>{t('live.console.mergedInto')}</span> : null}
      </p>
      {props.revealed ? (
        <p class="notice warn" role="status">
          {props.revealed.participantName
            ? t('live.console.revealed', { name: props.revealed.participantName })
            : null}{' '}
          {props.revealed.accountName
            ? t('live.console.revealedAccount', { name: props.revealed.accountName })
            : null}
          {!props.revealed.participantName && !props.revealed.accountName
            ? t('live.console.revealedNone')
            : null}
        </p>
      ) : null}
      {q.status === 'merged' ? null : (
        <div class="live-actions">
          {q.status === 'pending' || q.status === 'hidden' || q.status === 'answered' ? (
            <ModerationForm
              sessionId={props.sessionId}
              question={q}
              action="approve"
              label={t('live.console.approve')}
            />
          ) : null}
          {q.status === 'pending' || q.status === 'approved' || q.status === 'answered' ? (
            <ModerationForm
              sessionId={props.sessionId}
              question={q}
              action="pin"
              label={t('live.console.pin')}
              secondary
            />
          ) : null}
          {q.status === 'pinned' ? (
            <ModerationForm
              sessionId={props.sessionId}
              question={q}
              action="unpin"
              label={t('live.console.unpin')}
              secondary
            />
          ) : null}
          <details>
            <summary>
              {t('live.console.moreActions')}
              <span class="visually-hidden">: {q.text.slice(0, 60)}</span>
            </summary>
            {q.status !== 'answered' && q.status !== 'hidden' ? (
              <PostForm action={action}>
                <input type="hidden" name="action" value="answer" />
                <TextArea
                  name={`answer-${id}`}
                  label={t('live.console.answerSummary')}
                  rows={2}
                  maxLength={1000}
                />
                <button type="submit" class="secondary">
                  {t('live.console.answer')}
                </button>
              </PostForm>
            ) : null}
            {q.status !== 'hidden' ? (
              <PostForm action={action}>
                <input type="hidden" name="action" value="hide" />
                <SelectField
                  name={`reason-${id}`}
                  label={t('live.console.hideReason')}
                  options={HIDE_REASONS.map((r) => ({ value: r, label: labels.hideReason[r] }))}
                />
                <TextField name={`note-${id}`} label={t('live.console.hideNote')} maxLength={300} />
                <button type="submit" class="danger">
                  {t('live.console.hide')}
                </button>
              </PostForm>
            ) : null}
            {targets.length > 0 ? (
              <PostForm action={action}>
                <input type="hidden" name="action" value="merge" />
                <SelectField
                  name={`into-${id}`}
                  label={t('live.console.mergeTarget')}
                  options={targets.map((o) => ({ value: o.id, label: o.text.slice(0, 90) }))}
                />
                <button type="submit" class="secondary">
                  {t('live.console.mergeSubmit')}
                </button>
              </PostForm>
            ) : null}
            {q.anonymous ? (
              <PostForm action={`/live/${props.sessionId}/console/questions/${id}/reveal`}>
                <TextField
                  name={`reveal-${id}`}
                  label={t('live.console.revealReason')}
                  maxLength={300}
                />
                <button type="submit" class="secondary">
                  {t('live.console.revealSubmit')}
                </button>
              </PostForm>
            ) : null}
          </details>
        </div>
      )}
    </li>
  );
}

export function ConsoleView(props: {
  data: ConsoleData;
  errors: FormErrors;
  notice: string | null;
  revealed: RevealedAuthor | null;
  backstageBody: string;
}): VNode {
  const view = useView();
  const { t } = view;
  const { data } = props;
  const { session } = data;
  const pending = data.questions.filter((q) => q.status === 'pending');
  const published = data.questions.filter((q) => isPublic(q.status));
  const aside = data.questions.filter((q) => q.status === 'hidden' || q.status === 'merged');
  const targets = data.questions.filter((q) => q.status === 'pending' || isPublic(q.status));
  const question = (q: QuestionView) => (
    <ConsoleQuestion
      key={q.id}
      sessionId={session.id}
      question={q}
      targets={targets}
      revealed={props.revealed?.questionId === q.id ? props.revealed : null}
    />
  );
  const settings = `/live/${session.id}/console/settings`;
  return (
    <div class="live-console">
      <SessionHeader
        session={session}
        heading={t('live.console.title', { title: session.title })}
      />
      <Island name="live" props={{ mode: 'refresh', sessionId: session.id, after: data.after }} />
      <ErrorSummary errors={props.errors} />
      {props.notice ? (
        <p class="notice ok" role="status">
          {props.notice}
        </p>
      ) : null}
      <p>
        <a href={view.href(`/live/${session.id}`)}>{session.title}</a> ·{' '}
        <a href={view.href(`/live/${session.id}/presenter`)}>{t('live.staff.presenter')}</a> ·{' '}
        <a href={view.href(`/live/${session.id}/summary`)}>{t('live.staff.summary')}</a> ·{' '}
        <a href={`/api/v1/live/${session.id}/report`}>{t('live.console.report')}</a>
      </p>
      <section aria-labelledby="settings-heading" id="settings" data-live-region="">
        <h2 id="settings-heading">{t('live.console.settings')}</h2>
        <ul class="live-settings">
          <li>
            {t(session.moderation ? 'live.console.moderationOn' : 'live.console.moderationOff')}{' '}
            <PostForm action={settings} class="inline">
              <input type="hidden" name="moderation" value={session.moderation ? 'off' : 'on'} />
              <button type="submit" class="secondary">
                {t(
                  session.moderation
                    ? 'live.console.turnModerationOff'
                    : 'live.console.turnModerationOn',
                )}
              </button>
            </PostForm>
          </li>
          <li>
            {t(session.remoteSegment ? 'live.console.remoteOn' : 'live.console.remoteOff')}{' '}
            <PostForm action={settings} class="inline">
              <input
                type="hidden"
                name="remoteSegment"
                value={session.remoteSegment ? 'off' : 'on'}
              />
              <button type="submit" class="secondary">
                {t(
                  session.remoteSegment
                    ? 'live.console.turnRemoteOff'
                    : 'live.console.turnRemoteOn',
                )}
              </button>
            </PostForm>
          </li>
          <li>
            {session.status === 'closed' ? t('live.console.closedNote') : null}{' '}
            <PostForm action={settings} class="inline">
              <input
                type="hidden"
                name="status"
                value={session.status === 'open' ? 'closed' : 'open'}
              />
              <button type="submit" class={session.status === 'open' ? 'danger' : 'secondary'}>
                {t(session.status === 'open' ? 'live.console.close' : 'live.console.reopen')}
              </button>
            </PostForm>
          </li>
        </ul>
      </section>
      <section aria-labelledby="queue-heading" id="queue" data-live-region="">
        <h2 id="queue-heading">{t('live.console.queue', { count: pending.length })}</h2>
        {pending.length === 0 ? <p>{t('live.console.queueEmpty')}</p> : null}
        <ol class="live-questions">{pending.map(question)}</ol>
      </section>
      <section aria-labelledby="published-heading" id="published" data-live-region="">
        <h2 id="published-heading">{t('live.console.published', { count: published.length })}</h2>
        {published.length === 0 ? <p>{t('live.console.publishedEmpty')}</p> : null}
        <ol class="live-questions">{published.map(question)}</ol>
      </section>
      <SpeakingTime session={session} figures={data.figures} />
      <section aria-labelledby="backstage-heading" id="backstage">
        <h2 id="backstage-heading">{t('live.console.backstage')}</h2>
        <p>{t('live.console.backstageIntro')}</p>
        <PostForm action={`/live/${session.id}/console/backstage`}>
          <TextArea
            name="body"
            label={t('live.console.backstageBody')}
            rows={2}
            maxLength={500}
            value={props.backstageBody}
            errors={props.errors}
          />
          <button type="submit">{t('live.console.backstageSend')}</button>
        </PostForm>
        <div id="backstage-messages" data-live-region="">
          {data.backstage.length === 0 ? <p>{t('live.console.backstageEmpty')}</p> : null}
          <ul class="live-backstage">
            {data.backstage.map((m) => (
              <li key={m.id}>
                <p class="meta">
                  <strong>{m.authorLabel}</strong>{' '}
                  <time dateTime={m.createdAt}>
                    {view.formatDate(m.createdAt, {
                      timeStyle: 'short',
                      timeZone: session.timeZone,
                    })}
                  </time>
                </p>
                <p>{m.body}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>
      <section aria-labelledby="aside-heading" id="set-aside" data-live-region="">
        <h2 id="aside-heading">{t('live.console.setAside', { count: aside.length })}</h2>
        <ol class="live-questions">{aside.map(question)}</ol>
      </section>
    </div>
  );
}

// ---- Presenter view ----

export function PresenterView(props: {
  session: LiveSessionView;
  after: number;
  questions: QuestionView[];
}): VNode {
  const view = useView();
  const { t } = view;
  const { session } = props;
  const { current, next } = presenterQueue(props.questions, session.remoteSegment);
  const labels = liveLabels(t);
  const byline = (q: QuestionView) =>
    `${q.anonymous ? labels.anonymous : fill(labels.askedBy, { name: q.authorName ?? '' })} · ${labels.origin[q.origin]} · ${t('live.presenter.votes', { count: q.votes })}`;
  return (
    <div class="presenter">
      <Island name="live" props={{ mode: 'refresh', sessionId: session.id, after: props.after }} />
      <h1 class="presenter-title">{session.title}</h1>
      <div id="presenter-body" data-live-region="">
        {session.remoteSegment ? <p class="notice">{labels.remoteSegment}</p> : null}
        <section aria-labelledby="now-heading" class="presenter-now">
          <h2 id="now-heading">{t('live.presenter.now')}</h2>
          {current ? (
            <>
              <p class="presenter-question">{current.text}</p>
              <p class="presenter-byline">{byline(current)}</p>
            </>
          ) : (
            <p class="presenter-question muted">{t('live.presenter.nothing')}</p>
          )}
        </section>
        <section aria-labelledby="next-heading" class="presenter-next">
          <h2 id="next-heading">{t('live.presenter.next')}</h2>
          {next.length === 0 ? <p>{t('live.presenter.noneNext')}</p> : null}
          <ol>
            {next.map((q) => (
              <li key={q.id}>
                <p class="presenter-next-text">{q.text}</p>
                <p class="presenter-byline">{byline(q)}</p>
              </li>
            ))}
          </ol>
        </section>
      </div>
      <aside class="presenter-join">
        <img
          src={`/live/${session.id}/qr.svg`}
          alt={t('live.share.qrAlt', { url: shortLink(view, session.code) })}
          width={180}
          height={180}
        />
        <p>{t('live.presenter.join', { url: shortLink(view, session.code) })}</p>
      </aside>
    </div>
  );
}

// ---- Summary ----

function SummaryBody(props: { summary: ModerationSummary }): VNode {
  const view = useView();
  const { t } = view;
  const q = props.summary.questions;
  const s = props.summary.speakingTime;
  const reasons = Object.entries(q.hiddenByReason).sort((a, b) => b[1] - a[1]);
  const n = (value: number) => view.formatNumber(value);
  return (
    <section class="live-summary" aria-labelledby="summary-questions">
      <h2 id="summary-questions">{t('live.summary.questions')}</h2>
      <dl class="facts">
        <dt>{t('live.summary.total')}</dt>
        <dd>
          {n(q.total)} ({n(q.fromRoom)} {t('live.summary.fromRoom')}, {n(q.fromRemote)}{' '}
          {t('live.summary.fromRemote')})
        </dd>
        <dt>{t('live.summary.published')}</dt>
        <dd>{n(q.published)}</dd>
        <dt>{t('live.summary.answered')}</dt>
        <dd>{n(q.answered)}</dd>
        <dt>{t('live.summary.answeredRoom')}</dt>
        <dd>{n(q.answeredFromRoom)}</dd>
        <dt>{t('live.summary.answeredRemote')}</dt>
        <dd>{n(q.answeredFromRemote)}</dd>
        <dt>{t('live.summary.merged')}</dt>
        <dd>{n(q.merged)}</dd>
        <dt>{t('live.summary.hidden')}</dt>
        <dd>{n(q.hidden)}</dd>
        <dt>{t('live.summary.pending')}</dt>
        <dd>{n(q.pending)}</dd>
      </dl>
      <h3>{t('live.summary.reasons')}</h3>
      {reasons.length === 0 ? (
        <p>{t('live.summary.noneHidden')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('live.summary.reason')}</th>
              <th scope="col">{t('live.summary.count')}</th>
            </tr>
          </thead>
          <tbody>
            {reasons.map(([reason, count]) => (
              <tr key={reason}>
                <td>{t(`live.hideReason.${reason}`)}</td>
                <td>{n(count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('live.summary.speaking')}</h3>
      <dl class="facts">
        <dt>{t('live.summary.speakingTotal')}</dt>
        <dd>{formatDuration(s.totalSeconds)}</dd>
        <dt>{t('live.summary.speakingRoom')}</dt>
        <dd>{formatDuration(s.room)}</dd>
        <dt>{t('live.summary.speakingRemote')}</dt>
        <dd>{formatDuration(s.remote)}</dd>
        {s.byGroup
          .filter((g) => g.seconds > 0)
          .map((g) => (
            <Fragment key={g.group}>
              <dt>{groupLabel(t, g.group)}</dt>
              <dd>
                {formatDuration(g.seconds)} ({percent(view, g.share)})
              </dd>
            </Fragment>
          ))}
      </dl>
    </section>
  );
}

export function SummaryView(props: {
  session: LiveSessionView;
  summary: ModerationSummary | null;
}): VNode {
  const view = useView();
  return (
    <div class="live-page">
      <SessionHeader
        session={props.session}
        heading={view.t('live.summary.title', { title: props.session.title })}
      />
      {props.summary ? (
        <SummaryBody summary={props.summary} />
      ) : (
        <p>{view.t('live.summary.notYet')}</p>
      )}
      <p>
        <a href={view.href(`/live/${props.session.id}`)}>{props.session.title}</a>
      </p>
    </div>
  );
}

// ---- Creating a session ----

export const SPEAKER_ROWS = 6;

export interface CreateFormValues {
  eventId: string;
  scheduledSessionId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  room: string;
  moderation: boolean;
  speakers: Array<{ name: string; stakeholderGroup: string; origin: string; role: string }>;
}

export function CreateView(props: {
  values: CreateFormValues;
  errors: FormErrors;
  timeZones: string[];
}): VNode {
  const view = useView();
  const { t } = view;
  const { values, errors } = props;
  const groups = TAXONOMIES.stakeholderGroup.map((g) => ({
    value: g.code,
    label: groupLabel(t, g.code),
  }));
  const origins = [
    { value: 'room', label: t('live.origin.room') },
    { value: 'remote', label: t('live.origin.remote') },
  ];
  const roles = [
    { value: 'panellist', label: t('live.create.rolePanellist') },
    { value: 'moderator', label: t('live.create.roleModerator') },
  ];
  return (
    <div class="live-create">
      <h1>{t('live.create.title')}</h1>
      <p>{t('live.create.intro')}</p>
      <PostForm action="/live/new">
        <ErrorSummary errors={errors} />
        <TextField
          name="eventId"
          label={t('live.create.eventId')}
          hint={t('live.create.eventIdHint')}
          value={values.eventId}
          maxLength={100}
          required
          errors={errors}
        />
        <TextField
          name="scheduledSessionId"
          label={t('live.create.scheduledSessionId')}
          value={values.scheduledSessionId}
          maxLength={100}
          errors={errors}
        />
        <TextField
          name="title"
          label={t('live.create.sessionTitle')}
          value={values.title}
          maxLength={200}
          required
          errors={errors}
        />
        <TextField
          name="startsAt"
          type="datetime-local"
          label={t('live.create.startsAt')}
          value={values.startsAt}
          required
          errors={errors}
        />
        <TextField
          name="endsAt"
          type="datetime-local"
          label={t('live.create.endsAt')}
          value={values.endsAt}
          required
          errors={errors}
        />
        <SelectField
          name="timeZone"
          label={t('live.create.timeZone')}
          value={values.timeZone}
          options={props.timeZones.map((z) => ({ value: z, label: z }))}
          errors={errors}
        />
        <TextField
          name="room"
          label={t('live.create.room')}
          value={values.room}
          maxLength={200}
          errors={errors}
        />
        <fieldset class="field">
          <legend>{t('live.create.moderation')}</legend>
          <label class="checkbox">
            <input type="checkbox" name="moderation" value="on" checked={values.moderation} />{' '}
            {t('live.create.moderationOn')}
          </label>
        </fieldset>
        <fieldset class="field" id="field-speakers">
          <legend>{t('live.create.speakers')}</legend>
          <p class="hint">{t('live.create.speakersHint')}</p>
          {Array.from({ length: SPEAKER_ROWS }, (_, i) => {
            const s = values.speakers[i] ?? {
              name: '',
              stakeholderGroup: '',
              origin: 'room',
              role: 'panellist',
            };
            const n = i + 1;
            return (
              <div class="live-speaker-row" key={i}>
                <TextField
                  name={`speaker${n}Name`}
                  label={t('live.create.speakerName', { n })}
                  value={s.name}
                  maxLength={80}
                  errors={errors}
                />
                <SelectField
                  name={`speaker${n}Group`}
                  label={t('live.create.speakerGroup', { n })}
                  value={s.stakeholderGroup}
                  options={groups}
                  emptyLabel={t('live.create.chooseGroup')}
                  errors={errors}
                />
                <SelectField
                  name={`speaker${n}Origin`}
                  label={t('live.create.speakerOrigin', { n })}
                  value={s.origin}
                  options={origins}
                  errors={errors}
                />
                <SelectField
                  name={`speaker${n}Role`}
                  label={t('live.create.speakerRole', { n })}
                  value={s.role}
                  options={roles}
                  errors={errors}
                />
              </div>
            );
          })}
        </fieldset>
        <button type="submit">{t('live.create.submit')}</button>
      </PostForm>
    </div>
  );
}

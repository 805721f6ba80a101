import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError, isAppError } from '../../platform/errors.ts';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { sendPage, useView } from '../../web/view.tsx';
import { getDiscussion, type DiscussionDetail } from './discussions.service.ts';
import {
  dismissFlag,
  moderate,
  moderationLog,
  moderationQueue,
  setSlowMode,
} from './moderation.service.ts';
import { SLOW_MODE_CHOICES } from './discussions.ts';
import type { PostView } from './discussions.present.ts';
import { readForm, asString } from './form-data.ts';
import { seeOther } from './discussions.components.tsx';

type Queue = Awaited<ReturnType<typeof moderationQueue>>;
type Log = Awaited<ReturnType<typeof moderationLog>>;

function LogTable(props: { entries: Log; showThread: boolean }): VNode {
  const view = useView();
  const { t } = view;
  if (!props.entries.length) return <p>{t('discussions.moderation.noLog')}</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">{t('discussions.moderation.logTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('discussions.moderation.when')}</th>
            <th scope="col">{t('discussions.moderation.action')}</th>
            {props.showThread ? <th scope="col">{t('discussions.moderation.thread')}</th> : null}
            <th scope="col">{t('discussions.moderation.by')}</th>
            <th scope="col">{t('discussions.moderation.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr key={e.id}>
              <td>
                <time dateTime={e.at.toISOString()}>
                  {view.formatDate(e.at, { dateStyle: 'medium', timeStyle: 'short' })}
                </time>
              </td>
              <td>{t(`discussions.moderation.actions.${e.action}`)}</td>
              {props.showThread ? (
                <td>
                  <a href={view.href(`/discussions/${e.threadId}`)}>{e.threadTitle}</a>
                </td>
              ) : null}
              <td>{e.moderator ?? t('discussions.moderation.formerModerator')}</td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueuePage(props: { queue: Queue; log: Log; errors: FormErrors }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('discussions.moderation.title')}</h1>
      <p class="lead">{t('discussions.moderation.intro')}</p>
      <ErrorSummary errors={props.errors} />
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">{t('discussions.moderation.queue', { count: props.queue.length })}</h2>
        <ul class="results">
          {props.queue.map((f) => (
            <li key={f.id} id={`flag-${f.id}`}>
              <h3>
                <a href={`${view.href(`/discussions/${f.threadId}`)}#post-${f.postId}`}>
                  {f.threadTitle}
                </a>
              </h3>
              <p class="meta">
                {t(`discussions.flag.reasons.${f.reason}`)} ·{' '}
                {t('discussions.moderation.reportedBy', {
                  name: f.reporter ?? t('discussions.formerMember'),
                })}{' '}
                · {view.formatDate(f.createdAt)}
              </p>
              {f.note ? <p>{f.note}</p> : null}
              <blockquote>{f.excerpt}</blockquote>
              <p>
                <a href={view.href(`/discussions/${f.threadId}/posts/${f.postId}/moderate`)}>
                  {t('discussions.moderation.review')}
                </a>
              </p>
              <PostForm action={`/discussions/moderation/flags/${f.id}/dismiss`}>
                {/* One form per report: ids are made unique per report. */}
                <div class="field">
                  <label for={`dismiss-${f.id}`}>{t('discussions.moderation.dismissReason')}</label>
                  <textarea
                    id={`dismiss-${f.id}`}
                    name="reason"
                    rows={2}
                    maxLength={1000}
                    required
                  />
                </div>
                <button type="submit" class="secondary">
                  {t('discussions.moderation.dismiss')}
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="log-title">
        <h2 id="log-title">{t('discussions.moderation.logTitle')}</h2>
        <LogTable entries={props.log} showThread />
      </section>
    </>
  );
}

function ReasonForm(props: {
  action: string;
  label: string;
  button: string;
  errors: FormErrors;
  danger?: boolean;
}) {
  return (
    <PostForm action={props.action}>
      <TextArea
        name="reason"
        label={props.label}
        errors={props.errors}
        rows={3}
        maxLength={1000}
        required
      />
      <button type="submit" class={props.danger ? 'danger' : undefined}>
        {props.button}
      </button>
    </PostForm>
  );
}

function ModeratePostPage(props: { detail: DiscussionDetail; post: PostView; errors: FormErrors }) {
  const view = useView();
  const { t } = view;
  const { thread } = props.detail;
  const p = props.post;
  const base = `/discussions/${thread.id}/posts/${p.id}`;
  return (
    <>
      <p>
        <a href={`${view.href(`/discussions/${thread.id}`)}#post-${p.id}`}>{thread.title}</a>
      </p>
      <h1>{t('discussions.moderation.postTitle')}</h1>
      <p class="meta">{p.author?.name ?? t('discussions.formerMember')}</p>
      {p.html ? (
        <blockquote lang={thread.language} dangerouslySetInnerHTML={{ __html: p.html }} />
      ) : null}
      <ErrorSummary errors={props.errors} />
      {p.hidden ? (
        <>
          <p class="notice warn">
            {t('discussions.hiddenWithReason', { reason: p.hiddenReason ?? '' })}
          </p>
          <ReasonForm
            action={`${base}/restore`}
            label={t('discussions.moderation.restoreReason')}
            button={t('discussions.moderation.restore')}
            errors={props.errors}
          />
        </>
      ) : (
        <ReasonForm
          action={`${base}/hide`}
          label={t('discussions.moderation.hideReason')}
          button={t('discussions.moderation.hide')}
          errors={props.errors}
          danger
        />
      )}
    </>
  );
}

function ModerateThreadPage(props: { detail: DiscussionDetail; log: Log; errors: FormErrors }) {
  const view = useView();
  const { t } = view;
  const { thread } = props.detail;
  const base = `/discussions/${thread.id}`;
  return (
    <>
      <p>
        <a href={view.href(base)}>{thread.title}</a>
      </p>
      <h1>{t('discussions.moderation.threadTitle')}</h1>
      <ErrorSummary errors={props.errors} />
      <section aria-labelledby="visibility-title">
        <h2 id="visibility-title">{t('discussions.moderation.visibility')}</h2>
        {thread.status === 'hidden' ? (
          <>
            <p class="notice warn">
              {t('discussions.threadHidden', { reason: thread.hiddenReason ?? '' })}
            </p>
            <ReasonForm
              action={`${base}/moderate/restore`}
              label={t('discussions.moderation.restoreReason')}
              button={t('discussions.moderation.restoreThread')}
              errors={props.errors}
            />
          </>
        ) : (
          <ReasonForm
            action={`${base}/moderate/hide`}
            label={t('discussions.moderation.hideReason')}
            button={t('discussions.moderation.hideThread')}
            errors={props.errors}
            danger
          />
        )}
      </section>
      <section aria-labelledby="slow-title">
        <h2 id="slow-title">{t('discussions.moderation.slowModeTitle')}</h2>
        <PostForm action={`${base}/slow-mode`}>
          <SelectField
            name="seconds"
            label={t('discussions.moderation.slowModeLabel')}
            value={String(thread.slowModeSeconds)}
            errors={props.errors}
            options={SLOW_MODE_CHOICES.map((s) => ({
              value: String(s),
              label:
                s === 0
                  ? t('discussions.moderation.slowModeOff')
                  : t('discussions.slowModeChoice', { seconds: s }),
            }))}
          />
          <TextArea
            name="reason"
            label={t('discussions.moderation.slowModeReason')}
            errors={props.errors}
            rows={2}
            maxLength={1000}
            required
          />
          <button type="submit">{t('discussions.moderation.slowModeSave')}</button>
        </PostForm>
      </section>
      <section aria-labelledby="thread-log-title">
        <h2 id="thread-log-title">{t('discussions.moderation.logTitle')}</h2>
        <LogTable entries={props.log} showThread={false} />
      </section>
    </>
  );
}

function formErrorsOf(error: unknown): FormErrors | null {
  if (!isAppError(error)) return null;
  if (error.code === 'validation') return errorsByField(error.errors);
  if (error.code === 'conflict') return { _form: error.message };
  return null;
}

function requireMember(request: FastifyRequest): void {
  if (!request.actor.userId)
    throw new AppError('unauthenticated', request.t('discussions.signInToTakePart'));
}

export async function moderationPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } };

  const queuePage = async (request: FastifyRequest, errors: FormErrors, status = 200) => {
    const [queue, log] = await Promise.all([
      moderationQueue(request.ctx),
      moderationLog(request.ctx),
    ]);
    return { queue, log: log.slice(0, 50), errors, status };
  };

  app.get('/discussions/moderation', page, async (request, reply) => {
    requireMember(request);
    const data = await queuePage(request, {});
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.moderation.title') },
      <QueuePage queue={data.queue} log={data.log} errors={{}} />,
    );
  });

  app.get('/discussions/moderation/log', page, async (request, reply) => {
    requireMember(request);
    const log = await moderationLog(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.moderation.logTitle') },
      <>
        <h1>{request.t('discussions.moderation.logTitle')}</h1>
        <LogTable entries={log} showThread />
      </>,
    );
  });

  app.post('/discussions/moderation/flags/:flagId/dismiss', page, async (request, reply) => {
    requireMember(request);
    const { flagId } = request.params as { flagId: string };
    const { fields } = await readForm(request);
    try {
      await dismissFlag(request.ctx, flagId, { reason: asString(fields.reason) });
      return seeOther(request, reply, '/discussions/moderation');
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      const data = await queuePage(request, errors);
      return sendPage(
        request,
        reply,
        { title: request.t('discussions.moderation.title'), status: 422 },
        <QueuePage queue={data.queue} log={data.log} errors={errors} />,
      );
    }
  });

  async function postTarget(request: FastifyRequest) {
    const { id, postId } = request.params as { id: string; postId: string };
    const detail = await getDiscussion(request.ctx, id);
    if (!detail.canModerate) throw AppError.forbidden();
    const post = detail.posts.find((p) => p.id === postId);
    if (!post) throw AppError.notFound('The post');
    return { detail, post };
  }

  app.get('/discussions/:id/posts/:postId/moderate', page, async (request, reply) => {
    requireMember(request);
    const { detail, post } = await postTarget(request);
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.moderation.postTitle') },
      <ModeratePostPage detail={detail} post={post} errors={{}} />,
    );
  });

  for (const verb of ['hide', 'restore'] as const) {
    app.post(`/discussions/:id/posts/:postId/${verb}`, page, async (request, reply) => {
      requireMember(request);
      const { detail, post } = await postTarget(request);
      const { fields } = await readForm(request);
      try {
        await moderate(request.ctx, `${verb}-post`, detail.thread.id, post.id, {
          reason: asString(fields.reason),
        });
        return seeOther(request, reply, `/discussions/${detail.thread.id}#post-${post.id}`);
      } catch (error) {
        const errors = formErrorsOf(error);
        if (!errors) throw error;
        return sendPage(
          request,
          reply,
          {
            title: request.t('discussions.moderation.postTitle'),
            status: isAppError(error) ? error.status : 422,
          },
          <ModeratePostPage detail={detail} post={post} errors={errors} />,
        );
      }
    });

    app.post(`/discussions/:id/moderate/${verb}`, page, async (request, reply) => {
      requireMember(request);
      const { id } = request.params as { id: string };
      const { fields } = await readForm(request);
      try {
        await moderate(request.ctx, `${verb}-thread`, id, null, {
          reason: asString(fields.reason),
        });
        return seeOther(request, reply, `/discussions/${id}/moderate`);
      } catch (error) {
        const errors = formErrorsOf(error);
        if (!errors) throw error;
        return threadModerationPage(
          request,
          reply,
          id,
          errors,
          isAppError(error) ? error.status : 422,
        );
      }
    });
  }

  async function threadModerationPage(
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[1],
    id: string,
    errors: FormErrors,
    status = 200,
  ) {
    const detail = await getDiscussion(request.ctx, id);
    if (!detail.canModerate) throw AppError.forbidden();
    const log = await moderationLog(request.ctx, { threadId: detail.thread.id });
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.moderation.threadTitle'), status },
      <ModerateThreadPage detail={detail} log={log} errors={errors} />,
    );
  }

  app.get('/discussions/:id/moderate', page, async (request, reply) => {
    requireMember(request);
    const { id } = request.params as { id: string };
    return threadModerationPage(request, reply, id, {});
  });

  app.post('/discussions/:id/slow-mode', page, async (request, reply) => {
    requireMember(request);
    const { id } = request.params as { id: string };
    const { fields } = await readForm(request);
    try {
      await setSlowMode(request.ctx, id, {
        seconds: Number(asString(fields.seconds)),
        reason: asString(fields.reason),
      });
      return seeOther(request, reply, `/discussions/${id}/moderate`);
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return threadModerationPage(request, reply, id, errors, 422);
    }
  });
}

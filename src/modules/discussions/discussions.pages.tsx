import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type } from 'typebox';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { Query } from '../../platform/http/schemas.ts';
import { validate } from '../../platform/validation.ts';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { sendPage, useView } from '../../web/view.tsx';
import { rateLimitedForm, retryAfterSeconds } from '../../web/rate-limited.ts';
import { languageName } from '../reference/index.ts';
import { DiscussionQuery } from './discussions.schemas.ts';
import {
  createThread,
  follow,
  getDiscussion,
  getPreferences,
  listDiscussions,
  myFollows,
  readingLanguages,
  reply as replyTo,
  savePreferences,
  unfollow,
  type DiscussionDetail,
  type DiscussionPage,
  type Preferences,
} from './discussions.service.ts';
import { flagPost } from './moderation.service.ts';
import { myGroups, type GroupSummary } from './groups.service.ts';
import { FLAG_REASONS, LINK_KINDS, type FollowTarget } from './discussions.ts';
import type { PostView } from './discussions.present.ts';
import { readForm, asArray, asString, type FormFields } from './form-data.ts';
import {
  ThreadList,
  ThreadMeta,
  lookups,
  seeOther,
  termLabel,
  themeOptions,
  type Lookups,
} from './discussions.components.tsx';

const PageQuery = Query({ ...DiscussionQuery.properties, all: Type.Optional(Type.Literal('1')) });
const ACCEPT = '.pdf,.docx,.odt,.png,.jpg,.jpeg';

function cleanQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && value.trim() !== '') out[k] = value.trim();
  }
  return out;
}

function FollowButton(props: {
  type: FollowTarget;
  id: string;
  following: boolean;
  label: string;
}) {
  const t = useView().t;
  return (
    <PostForm action="/discussions/follow" class="inline">
      <input type="hidden" name="targetType" value={props.type} />
      <input type="hidden" name="targetId" value={props.id} />
      <input type="hidden" name="action" value={props.following ? 'unfollow' : 'follow'} />
      <button type="submit" class="secondary">
        {props.following
          ? t('discussions.unfollowNamed', { name: props.label })
          : t('discussions.followNamed', { name: props.label })}
      </button>
    </PostForm>
  );
}

function ListPage(props: {
  result: DiscussionPage | null;
  errors: FieldError[];
  query: Record<string, string>;
  lookups: Lookups;
  reading: string[];
  follows: Set<string>;
}): VNode {
  const view = useView();
  const { t } = view;
  const q = props.query;
  const signedIn = !!view.actor.userId;
  const feedQuery = new URLSearchParams(
    Object.entries(q).filter(([k]) => ['q', 'theme', 'region', 'language'].includes(k)),
  ).toString();
  const feedHref = `${view.href('/discussions.atom')}${feedQuery ? `?${feedQuery}` : ''}`;
  view.head.push(
    <link
      rel="alternate"
      type="application/atom+xml"
      href={feedHref}
      title={t('discussions.feed')}
    />,
  );
  return (
    <>
      <h1>{t('discussions.title')}</h1>
      <p class="lead">{t('discussions.intro')}</p>
      <p>
        {signedIn ? (
          <>
            <a class="button" href={view.href('/discussions/new')}>
              {t('discussions.start')}
            </a>{' '}
            <a href={view.href('/discussions/preferences')}>{t('discussions.preferences.link')}</a>{' '}
            · <a href={view.href('/discussions/groups')}>{t('discussions.groups.link')}</a>
          </>
        ) : (
          <span class="notice">{t('discussions.signInToTakePart')}</span>
        )}
      </p>
      <div class="layout-with-aside">
        <aside>
          <form method="get" action={view.href('/discussions')} class="facets" role="search">
            <TextField name="q" type="search" label={t('discussions.search.q')} value={q.q} />
            <SelectField
              name="theme"
              label={t('discussions.field.theme')}
              value={q.theme}
              emptyLabel={t('discussions.search.any')}
              options={themeOptions(t)}
            />
            <SelectField
              name="region"
              label={t('discussions.field.region')}
              value={q.region}
              emptyLabel={t('discussions.search.any')}
              options={props.lookups.regionOptions}
            />
            <SelectField
              name="language"
              label={t('discussions.field.language')}
              value={q.language}
              emptyLabel={t('discussions.search.any')}
              options={props.lookups.languageOptions}
            />
            <button type="submit">{t('discussions.search.submit')}</button>
          </form>
          <p>
            <a href={feedHref}>{t('discussions.feed')}</a>
          </p>
        </aside>
        <section aria-labelledby="thread-results">
          <h2 id="thread-results">
            {props.result
              ? t('discussions.results', { count: props.result.total })
              : t('discussions.checkSearch')}
          </h2>
          {props.errors.length ? <ErrorSummary errors={errorsByField(props.errors)} /> : null}
          {props.reading.length ? (
            <p class="notice">
              {t('discussions.readingFilter', {
                languages: props.reading.map((l) => languageName(l, view.locale)).join(', '),
              })}{' '}
              <a
                href={view.href(
                  `/discussions?${new URLSearchParams({ ...q, all: '1' }).toString()}`,
                )}
              >
                {t('discussions.showAllLanguages')}
              </a>
            </p>
          ) : null}
          {signedIn && (q.theme || q.region) ? (
            <p>
              {q.theme ? (
                <FollowButton
                  type="theme"
                  id={q.theme}
                  following={props.follows.has(`theme:${q.theme}`)}
                  label={termLabel(t, 'theme', q.theme)}
                />
              ) : null}{' '}
              {q.region ? (
                <FollowButton
                  type="region"
                  id={q.region}
                  following={props.follows.has(`region:${q.region}`)}
                  label={props.lookups.regionName(q.region)}
                />
              ) : null}
            </p>
          ) : null}
          {props.result ? <ThreadList items={props.result.items} lookups={props.lookups} /> : null}
          {props.result ? (
            <Pagination
              page={props.result.page}
              pageSize={props.result.pageSize}
              total={props.result.total}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

function PostArticle(props: {
  post: PostView;
  detail: DiscussionDetail;
  quoted: PostView | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const p = props.post;
  const thread = props.detail.thread;
  return (
    <article class="post" id={`post-${p.id}`} aria-labelledby={`post-${p.id}-by`}>
      <header>
        <h3 class="post-author" id={`post-${p.id}-by`}>
          {p.author ? p.author.name : t('discussions.formerMember')}
          {p.author?.handle ? <span class="handle"> @{p.author.handle}</span> : null}
        </h3>
        <p class="meta">
          <time dateTime={p.createdAt.toISOString()}>
            {view.formatDate(p.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
          </time>
        </p>
      </header>
      {props.quoted ? (
        <figure class="quote">
          <figcaption>
            <a href={`#post-${props.quoted.id}`}>
              {t('discussions.quoting', {
                name: props.quoted.author?.name ?? t('discussions.formerMember'),
              })}
            </a>
          </figcaption>
          {props.quoted.html ? (
            <blockquote
              lang={thread.language}
              dangerouslySetInnerHTML={{ __html: props.quoted.html }}
            />
          ) : (
            <blockquote>{t('discussions.quotedUnavailable')}</blockquote>
          )}
        </figure>
      ) : null}
      {p.hidden && p.hiddenReason ? (
        <p class="notice warn">{t('discussions.hiddenWithReason', { reason: p.hiddenReason })}</p>
      ) : null}
      {p.erased ? (
        <p class="notice">{t('discussions.erased')}</p>
      ) : p.html === null ? (
        <p class="notice">{t('discussions.hiddenPost')}</p>
      ) : (
        <div
          class="post-body"
          lang={thread.language}
          dangerouslySetInnerHTML={{ __html: p.html }}
        />
      )}
      {p.attachments.length ? (
        <ul class="attachments">
          {p.attachments.map((a) => (
            <li key={a.id}>
              <a href={view.href(`/discussions/attachments/${a.id}`)} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span class="meta">({view.formatNumber(Math.ceil(a.size / 1024))} KB)</span>
            </li>
          ))}
        </ul>
      ) : null}
      {view.actor.userId && !p.erased ? (
        <p class="post-actions">
          {props.detail.canReply && p.html ? (
            <a href={`${view.href(`/discussions/${thread.id}`)}?quote=${p.id}#reply`}>
              {t('discussions.quote')}
            </a>
          ) : null}{' '}
          {!p.mine ? (
            <a href={view.href(`/discussions/${thread.id}/posts/${p.id}/flag`)}>
              {t('discussions.report')}
            </a>
          ) : null}{' '}
          {props.detail.canModerate ? (
            <a href={view.href(`/discussions/${thread.id}/posts/${p.id}/moderate`)}>
              {t('discussions.moderate')}
            </a>
          ) : null}
        </p>
      ) : null}
    </article>
  );
}

interface ReplyState {
  body: string;
  quoteOf: string;
}

function ThreadPage(props: {
  detail: DiscussionDetail;
  lookups: Lookups;
  reply: ReplyState;
  errors: FormErrors;
  reported?: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const { detail } = props;
  const thread = detail.thread;
  const byId = new Map(detail.posts.map((p) => [p.id, p]));
  const quoting = props.reply.quoteOf ? byId.get(props.reply.quoteOf) : undefined;
  return (
    <>
      <p>
        <a
          href={view.href(thread.group ? `/discussions/groups/${thread.group.id}` : '/discussions')}
        >
          {thread.group ? thread.group.name : t('discussions.all')}
        </a>
      </p>
      {props.reported ? (
        <p class="notice ok" role="status">
          {t('discussions.flag.thanks')}
        </p>
      ) : null}
      <h1 lang={thread.language}>{thread.title}</h1>
      <ThreadMeta thread={thread} lookups={props.lookups} />
      {thread.link ? (
        <p>
          {t(`discussions.linkKind.${thread.link.kind}`)}:{' '}
          <a href={view.href(thread.link.path)}>{thread.link.ref}</a>
        </p>
      ) : null}
      {thread.status === 'hidden' ? (
        <p class="notice warn">
          {t('discussions.threadHidden', { reason: thread.hiddenReason ?? '' })}
        </p>
      ) : null}
      {thread.slowModeSeconds ? (
        <p class="notice">{t('discussions.slowMode', { seconds: thread.slowModeSeconds })}</p>
      ) : null}
      {view.actor.userId ? (
        <p>
          <FollowButton
            type="thread"
            id={thread.id}
            following={detail.following}
            label={t('discussions.thisDiscussion')}
          />{' '}
          {detail.canModerate ? (
            <a href={view.href(`/discussions/${thread.id}/moderate`)}>
              {t('discussions.moderateThread')}
            </a>
          ) : null}
        </p>
      ) : null}
      <section aria-labelledby="posts-title">
        <h2 id="posts-title" class="visually-hidden">
          {t('discussions.posts')}
        </h2>
        {detail.posts.map((p) => (
          <PostArticle
            key={p.id}
            post={p}
            detail={detail}
            quoted={p.quoteOf ? (byId.get(p.quoteOf) ?? null) : null}
          />
        ))}
      </section>
      <section aria-labelledby="reply-title" id="reply">
        <h2 id="reply-title">{t('discussions.replyTitle')}</h2>
        {detail.canReply ? (
          <>
            <ErrorSummary errors={props.errors} />
            <PostForm action={`/discussions/${thread.id}/replies`} enctype="multipart/form-data">
              {quoting ? (
                <div class="notice">
                  <p>
                    {t('discussions.quoting', {
                      name: quoting.author?.name ?? t('discussions.formerMember'),
                    })}{' '}
                    <a href={`${view.href(`/discussions/${thread.id}`)}#reply`}>
                      {t('discussions.cancelQuote')}
                    </a>
                  </p>
                  <input type="hidden" name="quoteOf" value={quoting.id} />
                </div>
              ) : null}
              <TextArea
                name="body"
                label={t('discussions.field.reply')}
                hint={t('discussions.markdownHint')}
                value={props.reply.body}
                errors={props.errors}
                rows={8}
                required
                maxLength={20000}
              />
              <AttachmentField errors={props.errors} />
              <button type="submit">{t('discussions.sendReply')}</button>
            </PostForm>
          </>
        ) : (
          <p class="notice">
            {view.actor.userId ? t('discussions.cannotReply') : t('discussions.signInToReply')}
          </p>
        )}
      </section>
    </>
  );
}

function AttachmentField(props: { errors: FormErrors }): VNode {
  const t = useView().t;
  const error = props.errors.attachments;
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for="field-attachments">{t('discussions.field.attachments')}</label>
      <p class="hint" id="hint-attachments">
        {t('discussions.attachmentsHint')}
      </p>
      {error ? (
        <p class="error" id="error-attachments">
          {error}
        </p>
      ) : null}
      <input
        id="field-attachments"
        type="file"
        name="attachments"
        multiple
        accept={ACCEPT}
        aria-describedby={error ? 'hint-attachments error-attachments' : 'hint-attachments'}
      />
    </div>
  );
}

interface ThreadState {
  title: string;
  body: string;
  language: string;
  themes: string[];
  region: string;
  groupId: string;
  linkKind: string;
  linkRef: string;
  linkPath: string;
}

function threadStateFrom(fields: FormFields): ThreadState {
  return {
    title: asString(fields.title),
    body: asString(fields.body),
    language: asString(fields.language),
    themes: asArray(fields.themes),
    region: asString(fields.region),
    groupId: asString(fields.groupId),
    linkKind: asString(fields.linkKind),
    linkRef: asString(fields.linkRef),
    linkPath: asString(fields.linkPath),
  };
}

function threadInput(s: ThreadState) {
  return {
    title: s.title,
    body: s.body,
    language: s.language,
    themes: s.themes,
    region: s.region || null,
    groupId: s.groupId || null,
    link: s.linkRef.trim()
      ? { kind: s.linkKind, ref: s.linkRef, path: s.linkPath.trim() || null }
      : null,
  };
}

function NewThreadPage(props: {
  state: ThreadState;
  errors: FormErrors;
  lookups: Lookups;
  groups: GroupSummary[];
}): VNode {
  const view = useView();
  const { t } = view;
  const s = props.state;
  const e = props.errors;
  return (
    <>
      <h1>{t('discussions.new.title')}</h1>
      <ErrorSummary errors={e} />
      <PostForm action="/discussions/new" enctype="multipart/form-data">
        <TextField
          name="title"
          label={t('discussions.field.title')}
          value={s.title}
          errors={e}
          required
          maxLength={200}
        />
        <TextArea
          name="body"
          label={t('discussions.field.body')}
          hint={t('discussions.markdownHint')}
          value={s.body}
          errors={e}
          rows={10}
          required
          maxLength={20000}
        />
        <SelectField
          name="language"
          label={t('discussions.field.language')}
          value={s.language}
          errors={e}
          options={props.lookups.languageOptions}
          required
        />
        <CheckboxGroup
          name="themes"
          label={t('discussions.field.themes')}
          hint={t('discussions.new.themesHint')}
          values={s.themes}
          errors={e}
          options={themeOptions(t)}
        />
        <SelectField
          name="region"
          label={t('discussions.field.region')}
          value={s.region}
          errors={e}
          emptyLabel={t('discussions.new.noRegion')}
          options={props.lookups.regionOptions}
        />
        {props.groups.length ? (
          <SelectField
            name="groupId"
            label={t('discussions.field.group')}
            hint={t('discussions.new.groupHint')}
            value={s.groupId}
            errors={e}
            emptyLabel={t('discussions.new.openToAll')}
            options={props.groups.map((g) => ({ value: g.id, label: g.name }))}
          />
        ) : null}
        <fieldset class={e.link ? 'field has-error' : 'field'} id="field-link">
          <legend>{t('discussions.field.link')}</legend>
          <p class="hint">{t('discussions.new.linkHint')}</p>
          {e.link ? <p class="error">{e.link}</p> : null}
          <label for="link-kind">{t('discussions.new.linkKind')}</label>
          <select id="link-kind" name="linkKind">
            {LINK_KINDS.map((k) => (
              <option key={k} value={k} selected={s.linkKind === k}>
                {t(`discussions.linkKind.${k}`)}
              </option>
            ))}
          </select>
          <label for="link-ref">{t('discussions.new.linkRef')}</label>
          <input id="link-ref" name="linkRef" type="text" value={s.linkRef} maxLength={200} />
          <label for="link-path">{t('discussions.new.linkPath')}</label>
          <input id="link-path" name="linkPath" type="text" value={s.linkPath} maxLength={300} />
        </fieldset>
        <AttachmentField errors={e} />
        <button type="submit">{t('discussions.new.submit')}</button>
      </PostForm>
    </>
  );
}

function FlagPage(props: {
  detail: DiscussionDetail;
  post: PostView;
  state: { reason: string; note: string };
  errors: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const { thread } = props.detail;
  return (
    <>
      <p>
        <a href={`${view.href(`/discussions/${thread.id}`)}#post-${props.post.id}`}>
          {thread.title}
        </a>
      </p>
      <h1>{t('discussions.flag.title')}</h1>
      <p>{t('discussions.flag.intro')}</p>
      {props.post.html ? (
        <blockquote lang={thread.language} dangerouslySetInnerHTML={{ __html: props.post.html }} />
      ) : null}
      <ErrorSummary errors={props.errors} />
      <PostForm action={`/discussions/${thread.id}/posts/${props.post.id}/flag`}>
        <SelectField
          name="reason"
          label={t('discussions.flag.reason')}
          value={props.state.reason}
          errors={props.errors}
          emptyLabel={t('discussions.flag.choose')}
          options={FLAG_REASONS.map((r) => ({
            value: r,
            label: t(`discussions.flag.reasons.${r}`),
          }))}
          required
        />
        <TextArea
          name="note"
          label={t('discussions.flag.note')}
          hint={t('discussions.flag.noteHint')}
          value={props.state.note}
          errors={props.errors}
          rows={4}
          maxLength={1000}
        />
        <button type="submit">{t('discussions.flag.submit')}</button>
      </PostForm>
    </>
  );
}

interface PreferencesState {
  handle: string;
  languages: string;
  emailNotifications: boolean;
}

function PreferencesPage(props: {
  prefs: Preferences;
  state: PreferencesState;
  errors: FormErrors;
  saved: boolean;
  lookups: Lookups;
}): VNode {
  const view = useView();
  const { t } = view;
  const s = props.state;
  return (
    <>
      <h1>{t('discussions.preferences.title')}</h1>
      {props.saved ? (
        <p class="notice ok" role="status">
          {t('discussions.preferences.saved')}
        </p>
      ) : null}
      <ErrorSummary errors={props.errors} />
      <PostForm action="/discussions/preferences">
        <TextField
          name="handle"
          label={t('discussions.preferences.handle')}
          hint={t('discussions.preferences.handleHint')}
          value={s.handle}
          errors={props.errors}
          maxLength={30}
          required
        />
        <TextField
          name="languages"
          label={t('discussions.preferences.languages')}
          hint={t('discussions.preferences.languagesHint')}
          value={s.languages}
          errors={props.errors}
        />
        <fieldset class="field" id="field-emailNotifications">
          <legend>{t('discussions.preferences.email')}</legend>
          <label class="checkbox">
            <input
              type="checkbox"
              name="emailNotifications"
              value="yes"
              checked={s.emailNotifications}
            />{' '}
            {t('discussions.preferences.emailLabel')}
          </label>
        </fieldset>
        <button type="submit">{t('discussions.preferences.save')}</button>
      </PostForm>
      <section aria-labelledby="follows-title">
        <h2 id="follows-title">{t('discussions.preferences.follows')}</h2>
        {props.prefs.follows.length ? (
          <ul>
            {props.prefs.follows.map((f) => (
              <li key={`${f.type}:${f.id}`}>
                {f.type === 'thread' ? (
                  <a href={view.href(`/discussions/${f.id}`)}>{f.title ?? f.id}</a>
                ) : f.type === 'theme' ? (
                  <a href={view.href(`/discussions?theme=${f.id}`)}>
                    {termLabel(t, 'theme', f.id)}
                  </a>
                ) : (
                  <a href={view.href(`/discussions?region=${f.id}`)}>
                    {props.lookups.regionName(f.id)}
                  </a>
                )}{' '}
                <FollowButton type={f.type} id={f.id} following label={f.title ?? f.id} />
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('discussions.preferences.noFollows')}</p>
        )}
      </section>
    </>
  );
}

function requireMember(request: FastifyRequest): void {
  if (!request.actor.userId)
    throw new AppError('unauthenticated', request.t('discussions.signInToTakePart'));
}

/**
 * Validation and rate-limit errors go back to the form, in the reader's language (the 429 status
 * and Retry-After kept); anything else is an error page.
 */
function formProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FormErrors | null {
  if (!isAppError(error)) return null;
  if (error.code === 'validation') return errorsByField(error.errors);
  const limited = rateLimitedForm(error, request, reply);
  if (!limited) return null;
  if (error.errors.some((e) => e.path === '/slowMode'))
    return { _form: request.t('discussions.slowModeWait', { seconds: retryAfterSeconds(error) }) };
  return errorsByField(limited);
}

export async function discussionPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } };
  const upload = { config: { page: true, csrf: false as const }, schema: { hide: true } };

  app.get('/discussions', page, async (request, reply) => {
    const query = cleanQuery(request.query);
    const checked = validate(PageQuery, query);
    const found = await lookups(request);
    let reading: string[] = [];
    let result: DiscussionPage | null = null;
    let follows = new Set<string>();
    if (checked.ok) {
      // Members see the languages they read unless they ask for one, or for all.
      if (!checked.value.language && !checked.value.all)
        reading = await readingLanguages(request.ctx);
      result = await listDiscussions(request.ctx, { ...checked.value, languages: reading });
      if (query.theme || query.region) follows = await myFollows(request.ctx);
    }
    return sendPage(
      request,
      reply,
      {
        title: request.t('discussions.title'),
        description: request.t('discussions.intro'),
        status: checked.ok ? 200 : 400,
      },
      <ListPage
        result={result}
        errors={checked.ok ? [] : checked.errors}
        query={query}
        lookups={found}
        reading={reading}
        follows={follows}
      />,
    );
  });

  app.get('/discussions/new', page, async (request, reply) => {
    requireMember(request);
    const query = cleanQuery(request.query);
    const groups = await myGroups(request.ctx);
    const state: ThreadState = {
      title: '',
      body: '',
      language: request.locale,
      themes: query.theme ? [query.theme] : [],
      region: query.region ?? '',
      groupId: groups.some((g) => g.id === query.group) ? (query.group ?? '') : '',
      linkKind: query.linkKind ?? 'resource',
      linkRef: query.linkRef ?? '',
      linkPath: query.linkPath ?? '',
    };
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.new.title') },
      <NewThreadPage state={state} errors={{}} lookups={await lookups(request)} groups={groups} />,
    );
  });

  app.post('/discussions/new', upload, async (request, reply) => {
    requireMember(request);
    const { fields, files } = await readForm(request);
    const state = threadStateFrom(fields);
    try {
      const { id } = await createThread(request.ctx, threadInput(state), files);
      return seeOther(request, reply, `/discussions/${id}`);
    } catch (error) {
      const errors = formProblem(error, request, reply);
      if (!errors) throw error;
      return sendPage(
        request,
        reply,
        {
          title: request.t('discussions.new.title'),
          status: isAppError(error) ? error.status : 422,
        },
        <NewThreadPage
          state={state}
          errors={errors}
          lookups={await lookups(request)}
          groups={await myGroups(request.ctx)}
        />,
      );
    }
  });

  app.get('/discussions/preferences', page, async (request, reply) => {
    requireMember(request);
    const prefs = await getPreferences(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.preferences.title') },
      <PreferencesPage
        prefs={prefs}
        state={{
          handle: prefs.handle,
          languages: prefs.languages.map((l) => languageName(l, 'en')).join(', '),
          emailNotifications: prefs.emailNotifications,
        }}
        errors={{}}
        saved={cleanQuery(request.query).saved === '1'}
        lookups={await lookups(request)}
      />,
    );
  });

  app.post('/discussions/preferences', page, async (request, reply) => {
    requireMember(request);
    const { fields } = await readForm(request);
    const state = {
      handle: asString(fields.handle),
      languages: asString(fields.languages),
      emailNotifications: asString(fields.emailNotifications) === 'yes',
    };
    try {
      await savePreferences(request.ctx, {
        handle: state.handle,
        languages: state.languages
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
        emailNotifications: state.emailNotifications,
      });
      return seeOther(request, reply, '/discussions/preferences?saved=1');
    } catch (error) {
      const errors = formProblem(error, request, reply);
      if (!errors) throw error;
      return sendPage(
        request,
        reply,
        { title: request.t('discussions.preferences.title'), status: 422 },
        <PreferencesPage
          prefs={await getPreferences(request.ctx)}
          state={state}
          errors={errors}
          saved={false}
          lookups={await lookups(request)}
        />,
      );
    }
  });

  app.post('/discussions/follow', page, async (request, reply) => {
    requireMember(request);
    const { fields } = await readForm(request);
    const type = asString(fields.targetType) as FollowTarget;
    const id = asString(fields.targetId);
    if (!['thread', 'theme', 'region'].includes(type) || !id)
      throw AppError.validation([{ path: '/targetType', message: 'Choose what to follow.' }]);
    if (asString(fields.action) === 'unfollow') await unfollow(request.ctx, type, id);
    else await follow(request.ctx, type, id);
    const back =
      type === 'thread' ? `/discussions/${id}` : `/discussions?${type}=${encodeURIComponent(id)}`;
    return seeOther(request, reply, back);
  });

  app.get('/discussions/:id', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const detail = await getDiscussion(request.ctx, id);
    const query = cleanQuery(request.query);
    const quote = query.quote ?? '';
    return sendPage(
      request,
      reply,
      { title: detail.thread.title, description: detail.thread.excerpt || undefined },
      <ThreadPage
        detail={detail}
        lookups={await lookups(request)}
        reply={{ body: '', quoteOf: quote }}
        errors={{}}
        reported={query.reported === '1'}
      />,
    );
  });

  app.post('/discussions/:id/replies', upload, async (request, reply) => {
    requireMember(request);
    const { id } = request.params as { id: string };
    const { fields, files } = await readForm(request);
    const state = { body: asString(fields.body), quoteOf: asString(fields.quoteOf) };
    try {
      const post = await replyTo(
        request.ctx,
        id,
        { body: state.body, quoteOf: state.quoteOf || null },
        files,
      );
      return seeOther(request, reply, `/discussions/${id}#post-${post.id}`);
    } catch (error) {
      const errors = formProblem(error, request, reply);
      if (!errors) throw error;
      const detail = await getDiscussion(request.ctx, id);
      return sendPage(
        request,
        reply,
        { title: detail.thread.title, status: isAppError(error) ? error.status : 422 },
        <ThreadPage
          detail={detail}
          lookups={await lookups(request)}
          reply={state}
          errors={errors}
        />,
      );
    }
  });

  async function flagTarget(request: FastifyRequest) {
    const { id, postId } = request.params as { id: string; postId: string };
    const detail = await getDiscussion(request.ctx, id);
    const post = detail.posts.find((p) => p.id === postId);
    if (!post) throw AppError.notFound('The post');
    return { detail, post };
  }

  app.get('/discussions/:id/posts/:postId/flag', page, async (request, reply) => {
    requireMember(request);
    const { detail, post } = await flagTarget(request);
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.flag.title') },
      <FlagPage detail={detail} post={post} state={{ reason: '', note: '' }} errors={{}} />,
    );
  });

  app.post('/discussions/:id/posts/:postId/flag', page, async (request, reply) => {
    requireMember(request);
    const { detail, post } = await flagTarget(request);
    const { fields } = await readForm(request);
    const state = { reason: asString(fields.reason), note: asString(fields.note) };
    try {
      await flagPost(request.ctx, detail.thread.id, post.id, state);
      return seeOther(
        request,
        reply,
        `/discussions/${detail.thread.id}?reported=1#post-${post.id}`,
      );
    } catch (error) {
      const errors = formProblem(error, request, reply);
      if (!errors) throw error;
      return sendPage(
        request,
        reply,
        {
          title: request.t('discussions.flag.title'),
          status: isAppError(error) ? error.status : 422,
        },
        <FlagPage detail={detail} post={post} state={state} errors={errors} />,
      );
    }
  });
}

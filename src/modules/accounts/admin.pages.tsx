import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  errorsByField,
  PostForm,
  SelectField,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { isAppError, type FieldError } from '../../platform/errors.ts';
import { grantRoleByReference, listUsers, revokeGrant, userForAdmin } from './accounts.service.ts';
import { browseAudit, browseOutbox, outboxMessage } from './audit.service.ts';
import { mfaPending, ROLES } from './permissions.ts';
import {
  AuditQuerySchema,
  EmptyForm,
  GrantForm,
  NoticeQuery,
  OutboxQuery,
  UsersQuery,
} from './accounts.schemas.ts';
import { formValues, noStore, Notice, redirectToSignIn, runForm, seeOther } from './page-kit.tsx';

const PAGE_SIZE = 50;
type Values = Record<string, string>;

function AdminNav(): VNode {
  const view = useView();
  const links = [
    ['/admin/users', 'accounts.admin.users'],
    ['/admin/audit', 'accounts.admin.audit'],
    ['/admin/outbox', 'accounts.admin.outbox'],
  ] as const;
  return (
    <nav aria-label={view.t('accounts.admin.nav')} class="sub-nav">
      <ul>
        {links.map(([path, key]) => (
          <li key={path}>
            <a href={view.href(path)} aria-current={view.path === path ? 'page' : undefined}>
              {view.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function json(value: unknown): string {
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

// ---------- Audit log

type Audit = Awaited<ReturnType<typeof browseAudit>>;

function AuditPage(props: { data: Audit | null; values: Values; errors: FormErrors }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <AdminNav />
      <h1>{t('accounts.admin.audit')}</h1>
      <ErrorSummary errors={props.errors} />
      <form method="get" action={view.href('/admin/audit')} class="filters">
        <TextField
          name="entityType"
          label={t('accounts.audit.entityType')}
          value={props.values.entityType}
          errors={props.errors}
          maxLength={100}
        />
        <TextField
          name="entityId"
          label={t('accounts.audit.entityId')}
          value={props.values.entityId}
          errors={props.errors}
          maxLength={200}
        />
        <TextField
          name="action"
          label={t('accounts.audit.action')}
          hint={t('accounts.audit.actionHint')}
          value={props.values.action}
          errors={props.errors}
          maxLength={100}
        />
        <TextField
          name="actor"
          label={t('accounts.audit.actor')}
          hint={t('accounts.audit.actorHint')}
          value={props.values.actor}
          errors={props.errors}
          maxLength={254}
        />
        <TextField
          name="from"
          type="date"
          label={t('accounts.audit.from')}
          value={props.values.from}
          errors={props.errors}
        />
        <TextField
          name="to"
          type="date"
          label={t('accounts.audit.to')}
          value={props.values.to}
          errors={props.errors}
        />
        <button type="submit">{t('accounts.audit.filter')}</button>
      </form>
      {props.data ? (
        <>
          <p>{t('accounts.audit.count', { count: props.data.total })}</p>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('accounts.audit.when')}</th>
                  <th scope="col">{t('accounts.audit.actor')}</th>
                  <th scope="col">{t('accounts.audit.action')}</th>
                  <th scope="col">{t('accounts.audit.entity')}</th>
                  <th scope="col">{t('accounts.audit.change')}</th>
                </tr>
              </thead>
              <tbody>
                {props.data.items.map((row) => (
                  <tr key={row.id}>
                    <td>
                      <time dateTime={new Date(row.at).toISOString()}>
                        {view.formatDate(row.at, { dateStyle: 'short', timeStyle: 'medium' })}
                      </time>
                    </td>
                    <td>
                      {row.actor.id ? (
                        <a href={view.href(`/admin/users/${row.actor.id}`)}>
                          {row.actor.erased
                            ? t('accounts.audit.erased')
                            : (row.actor.label ?? row.actor.id)}
                        </a>
                      ) : (
                        row.actor.label
                      )}
                    </td>
                    <td>
                      <code>{row.action}</code>
                      {row.isPublic ? <span class="tag">{t('accounts.audit.public')}</span> : null}
                    </td>
                    <td>
                      {row.entityType} <code>{row.entityId}</code>
                    </td>
                    <td class="change">
                      {row.before ? <div>− {json(row.before)}</div> : null}
                      {row.after ? <div>+ {json(row.after)}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={props.data.page}
            pageSize={props.data.pageSize}
            total={props.data.total}
          />
        </>
      ) : null}
    </>
  );
}

// ---------- Outbox

type Outbox = Awaited<ReturnType<typeof browseOutbox>>;

function OutboxPage(props: { data: Outbox; values: Values }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <AdminNav />
      <h1>{t('accounts.admin.outbox')}</h1>
      <p>{t(props.data.transport === 'smtp' ? 'accounts.outbox.smtp' : 'accounts.outbox.kept')}</p>
      <form method="get" action={view.href('/admin/outbox')} class="filters">
        <TextField
          name="to"
          label={t('accounts.outbox.to')}
          value={props.values.to}
          maxLength={254}
        />
        <SelectField
          name="status"
          label={t('accounts.outbox.status')}
          value={props.values.status}
          emptyLabel={t('accounts.outbox.any')}
          options={['pending', 'sent', 'kept', 'failed'].map((s) => ({
            value: s,
            label: t(`accounts.outbox.statuses.${s}`),
          }))}
        />
        <button type="submit">{t('accounts.audit.filter')}</button>
      </form>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('accounts.audit.when')}</th>
              <th scope="col">{t('accounts.outbox.to')}</th>
              <th scope="col">{t('accounts.outbox.subject')}</th>
              <th scope="col">{t('accounts.outbox.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.data.items.map((m) => (
              <tr key={m.id}>
                <td>{view.formatDate(m.createdAt, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                <td>{m.to}</td>
                <td>
                  <a href={view.href(`/admin/outbox/${m.id}`)}>{m.subject}</a>
                </td>
                <td>{t(`accounts.outbox.statuses.${m.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={props.data.page} pageSize={props.data.pageSize} total={props.data.total} />
    </>
  );
}

function OutboxMessagePage(props: { message: Awaited<ReturnType<typeof outboxMessage>> }): VNode {
  const view = useView();
  const { t } = view;
  const m = props.message;
  return (
    <>
      <AdminNav />
      <h1>{m.subject}</h1>
      <dl class="facts">
        <dt>{t('accounts.outbox.to')}</dt>
        <dd>{m.to}</dd>
        <dt>{t('accounts.audit.when')}</dt>
        <dd>{view.formatDate(m.createdAt, { dateStyle: 'medium', timeStyle: 'medium' })}</dd>
        <dt>{t('accounts.outbox.status')}</dt>
        <dd>{t(`accounts.outbox.statuses.${m.status}`)}</dd>
        {m.lastError ? (
          <>
            <dt>{t('accounts.outbox.error')}</dt>
            <dd>{m.lastError}</dd>
          </>
        ) : null}
      </dl>
      <pre class="mail-body">{m.text}</pre>
      <p>
        <a href={view.href('/admin/outbox')}>{t('accounts.outbox.back')}</a>
      </p>
    </>
  );
}

// ---------- Users and roles

type Users = Awaited<ReturnType<typeof listUsers>>;

function UsersPage(props: { data: Users; values: Values }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <AdminNav />
      <h1>{t('accounts.admin.users')}</h1>
      <form method="get" action={view.href('/admin/users')} class="filters">
        <TextField
          name="q"
          label={t('accounts.users.search')}
          value={props.values.q}
          maxLength={200}
        />
        <SelectField
          name="role"
          label={t('accounts.users.role')}
          value={props.values.role}
          emptyLabel={t('accounts.outbox.any')}
          options={ROLES.map((r) => ({ value: r, label: t(`accounts.role.${r}`) }))}
        />
        <button type="submit">{t('accounts.audit.filter')}</button>
      </form>
      <p>{t('accounts.users.count', { count: props.data.total })}</p>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('accounts.field.displayName')}</th>
              <th scope="col">{t('accounts.field.email')}</th>
              <th scope="col">{t('accounts.users.status')}</th>
              <th scope="col">{t('accounts.users.created')}</th>
            </tr>
          </thead>
          <tbody>
            {props.data.items.map((u) => (
              <tr key={u.id}>
                <td>
                  <a href={view.href(`/admin/users/${u.id}`)}>{u.displayName}</a>
                </td>
                <td>{u.email}</td>
                <td>
                  {t(`accounts.users.statuses.${u.status}`)}
                  {u.verified ? '' : ` · ${t('accounts.users.unverified')}`}
                  {u.totpEnabled ? ` · ${t('accounts.users.mfa')}` : ''}
                </td>
                <td>{view.formatDate(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={props.data.page} pageSize={props.data.pageSize} total={props.data.total} />
    </>
  );
}

type AdminUser = Awaited<ReturnType<typeof userForAdmin>>;

function UserPage(props: {
  user: AdminUser;
  done?: string;
  values?: Values;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const u = props.user;
  const errors = props.errors ?? {};
  return (
    <>
      <AdminNav />
      <h1>{u.displayName}</h1>
      <Notice done={props.done} allowed={['granted', 'revoked']} />
      <dl class="facts">
        <dt>{t('accounts.field.email')}</dt>
        <dd>{u.email}</dd>
        <dt>{t('accounts.users.status')}</dt>
        <dd>{t(`accounts.users.statuses.${u.status}`)}</dd>
        <dt>{t('accounts.nav.mfa')}</dt>
        <dd>{u.totpEnabled ? t('accounts.users.mfa') : t('accounts.users.noMfa')}</dd>
      </dl>
      <p>
        <a href={`${view.href('/admin/audit')}?actor=${u.id}`}>{t('accounts.users.actions')}</a> ·{' '}
        <a href={`${view.href('/admin/audit')}?entityType=user&entityId=${u.id}`}>
          {t('accounts.users.history')}
        </a>
      </p>
      <section aria-labelledby="grants-heading">
        <h2 id="grants-heading">{t('accounts.profile.roles')}</h2>
        {u.grants.length === 0 ? <p>{t('accounts.users.noRoles')}</p> : null}
        <ul>
          {u.grants.map((g) => (
            <li key={g.id}>
              {t(`accounts.role.${g.role}`)}
              {g.scopeType === 'site'
                ? ` (${t('accounts.scope.site')})`
                : ` (${t(`accounts.scope.${g.scopeType}`)}: ${g.scopeName})`}{' '}
              <PostForm action={`/admin/users/${u.id}/grants/${g.id}/revoke`} class="inline">
                <button type="submit" class="link">
                  {t('accounts.users.revoke')}
                </button>
              </PostForm>
            </li>
          ))}
        </ul>
      </section>
      {u.status === 'active' ? (
        <section aria-labelledby="grant-heading">
          <h2 id="grant-heading">{t('accounts.users.grant')}</h2>
          <ErrorSummary errors={errors} />
          <PostForm action={`/admin/users/${u.id}/grants`}>
            <SelectField
              name="role"
              label={t('accounts.users.role')}
              value={props.values?.role}
              errors={errors}
              options={ROLES.filter((r) => r !== 'participant').map((r) => ({
                value: r,
                label: t(`accounts.role.${r}`),
              }))}
            />
            <SelectField
              name="scopeType"
              label={t('accounts.users.scopeType')}
              value={props.values?.scopeType ?? 'site'}
              errors={errors}
              options={['site', 'organisation', 'process', 'event'].map((s) => ({
                value: s,
                label: t(`accounts.scope.${s}`),
              }))}
            />
            <TextField
              name="scopeRef"
              label={t('accounts.users.scopeRef')}
              hint={t('accounts.users.scopeRefHint')}
              value={props.values?.scopeRef}
              errors={errors}
              maxLength={200}
            />
            <button type="submit">{t('accounts.users.grantButton')}</button>
          </PostForm>
        </section>
      ) : null}
    </>
  );
}

/** Administration: users and roles, the audit log, the mail outbox. */
export async function adminPages(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  // Sign in first; an administrator without two-step verification sets it up first.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.actor.userId) return redirectToSignIn(request, reply);
    if (mfaPending(request.actor)) return seeOther(request, reply, '/account/mfa?done=mfaRequired');
  });
  const query = <T,>(request: FastifyRequest) => request.query as T;

  app.get('/admin', { config: { page: true }, schema: { hide: true } }, async (request, reply) =>
    seeOther(request, reply, '/admin/users'),
  );

  app.get(
    '/admin/audit',
    { config: { page: true }, schema: { hide: true, querystring: AuditQuerySchema } },
    async (request, reply) => {
      const q = query<Record<string, string | undefined> & { page: number }>(request);
      const values = Object.fromEntries(
        Object.entries(q).filter(([, v]) => typeof v === 'string'),
      ) as Values;
      try {
        const data = await browseAudit(request.ctx, {
          ...q,
          page: q.page ?? 1,
          pageSize: PAGE_SIZE,
        });
        return sendPage(
          request,
          reply,
          { title: request.t('accounts.admin.audit') },
          <AuditPage data={data} values={values} errors={{}} />,
        );
      } catch (error) {
        if (isAppError(error) && error.code === 'bad_request' && error.errors.length) {
          return sendPage(
            request,
            reply,
            { title: request.t('accounts.admin.audit'), status: 400 },
            <AuditPage data={null} values={values} errors={errorsByField(error.errors)} />,
          );
        }
        throw error;
      }
    },
  );

  app.get(
    '/admin/outbox',
    { config: { page: true }, schema: { hide: true, querystring: OutboxQuery } },
    async (request, reply) => {
      const q = query<{ to?: string; status?: string; page?: number }>(request);
      const data = await browseOutbox(request.ctx, {
        to: q.to,
        status: q.status,
        page: q.page ?? 1,
        pageSize: PAGE_SIZE,
      });
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.admin.outbox') },
        <OutboxPage data={data} values={{ to: q.to ?? '', status: q.status ?? '' }} />,
      );
    },
  );
  app.get(
    '/admin/outbox/:id',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const message = await outboxMessage(request.ctx, id);
      return sendPage(
        request,
        reply,
        { title: message.subject },
        <OutboxMessagePage message={message} />,
      );
    },
  );

  app.get(
    '/admin/users',
    { config: { page: true }, schema: { hide: true, querystring: UsersQuery } },
    async (request, reply) => {
      const q = query<{ q?: string; role?: string; page?: number }>(request);
      const data = await listUsers(request.ctx, {
        q: q.q,
        role: q.role,
        page: q.page ?? 1,
        pageSize: PAGE_SIZE,
      });
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.admin.users') },
        <UsersPage data={data} values={{ q: q.q ?? '', role: q.role ?? '' }} />,
      );
    },
  );

  const renderUser = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; errors?: FieldError[] } = {},
  ) => {
    const { id } = request.params as { id: string };
    const user = await userForAdmin(request.ctx, id);
    return sendPage(
      request,
      reply,
      { title: user.displayName, status: extra.status },
      <UserPage
        user={user}
        done={(request.query as { done?: string } | undefined)?.done}
        values={extra.errors ? formValues(request.body) : undefined}
        errors={extra.errors ? errorsByField(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/admin/users/:id',
    { config: { page: true }, schema: { hide: true, querystring: NoticeQuery } },
    async (request, reply) => renderUser(request, reply),
  );
  app.post(
    '/admin/users/:id/grants',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const result = await runForm(GrantForm, request.body, (input) =>
        grantRoleByReference(request.ctx, id, input),
      );
      if (!result.ok)
        return renderUser(request, reply, { status: result.status, errors: result.errors });
      return seeOther(request, reply, `/admin/users/${id}?done=granted`);
    },
  );
  app.post(
    '/admin/users/:id/grants/:grantId/revoke',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { id, grantId } = request.params as { id: string; grantId: string };
      const result = await runForm(EmptyForm, request.body, () =>
        revokeGrant(request.ctx, grantId),
      );
      if (!result.ok)
        return renderUser(request, reply, { status: result.status, errors: result.errors });
      return seeOther(request, reply, `/admin/users/${id}?done=revoked`);
    },
  );
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  errorsByField,
  PostForm,
  TextArea,
  type FormErrors,
} from '../../web/components/form.tsx';
import type { FieldError } from '../../platform/errors.ts';
import { decideMembership, membersPage, requestMembership } from './memberships.service.ts';
import { DecisionForm, MembersJoinForm, NoticeQuery } from './accounts.schemas.ts';
import { formValues, noStore, Notice, runForm, seeOther } from './page-kit.tsx';

type Members = Awaited<ReturnType<typeof membersPage>>;

function MembersTable(props: { slug: string; rows: Members['members']; pending: boolean }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('accounts.members.person')}</th>
            <th scope="col">
              {t(props.pending ? 'accounts.members.asked' : 'accounts.members.since')}
            </th>
            {props.pending ? <th scope="col">{t('accounts.members.message')}</th> : null}
            <th scope="col">{t('accounts.security.action')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((m) => (
            <tr key={m.id}>
              <td>
                {m.displayName} <span class="meta">{m.email}</span>
              </td>
              <td>
                {view.formatDate(props.pending ? m.requestedAt : (m.decidedAt ?? m.requestedAt))}
              </td>
              {props.pending ? <td>{m.message}</td> : null}
              <td>
                {props.pending ? (
                  <>
                    <PostForm
                      action={`/organisations/${props.slug}/members/${m.id}/decide`}
                      class="inline"
                    >
                      <input type="hidden" name="decision" value="accept" />
                      <button type="submit">{t('accounts.members.accept')}</button>
                    </PostForm>{' '}
                    <PostForm
                      action={`/organisations/${props.slug}/members/${m.id}/decide`}
                      class="inline"
                    >
                      <input type="hidden" name="decision" value="refuse" />
                      <button type="submit" class="secondary">
                        {t('accounts.members.refuse')}
                      </button>
                    </PostForm>
                  </>
                ) : (
                  <PostForm
                    action={`/organisations/${props.slug}/members/${m.id}/decide`}
                    class="inline"
                  >
                    <input type="hidden" name="decision" value="remove" />
                    <button type="submit" class="secondary">
                      {t('accounts.members.remove')}
                    </button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MembersPage(props: {
  data: Members;
  done?: string;
  values?: Record<string, string>;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const { organisation, own } = props.data;
  const errors = props.errors ?? {};
  return (
    <>
      <p>
        <a href={view.href(`/organisations/${organisation.slug}`)}>{organisation.name}</a>
      </p>
      <h1>{t('accounts.members.title', { name: organisation.name })}</h1>
      <Notice done={props.done} allowed={['joinRequested', 'decided']} />
      <ErrorSummary errors={errors} />
      {!view.actor.userId ? (
        <p>
          <a
            href={`${view.href('/sign-in')}?next=${encodeURIComponent(`/organisations/${organisation.slug}/members`)}`}
          >
            {t('accounts.members.signInToJoin')}
          </a>
        </p>
      ) : own ? (
        <p class="notice">
          {t(
            own.status === 'pending' ? 'accounts.members.ownPending' : 'accounts.members.ownMember',
          )}
        </p>
      ) : (
        <section aria-labelledby="join-heading">
          <h2 id="join-heading">{t('accounts.members.join')}</h2>
          <PostForm action={`/organisations/${organisation.slug}/members/join`}>
            <TextArea
              name="message"
              label={t('accounts.organisations.message')}
              hint={t('accounts.organisations.messageHint')}
              value={props.values?.message}
              errors={errors}
              maxLength={1000}
              rows={3}
            />
            <button type="submit">{t('accounts.organisations.ask')}</button>
          </PostForm>
        </section>
      )}
      {props.data.canManage ? (
        <>
          <section aria-labelledby="pending-heading">
            <h2 id="pending-heading">
              {t('accounts.members.pending', { count: props.data.pending.length })}
            </h2>
            {props.data.pending.length ? (
              <MembersTable slug={organisation.slug} rows={props.data.pending} pending />
            ) : (
              <p>{t('accounts.members.noPending')}</p>
            )}
          </section>
          <section aria-labelledby="members-heading">
            <h2 id="members-heading">
              {t('accounts.members.members', { count: props.data.members.length })}
            </h2>
            {props.data.members.length ? (
              <MembersTable slug={organisation.slug} rows={props.data.members} pending={false} />
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}

/**
 * /organisations/{slug}/members: ask to join; representatives accept or refuse. (The organisation
 * pages themselves belong to the organisations module; this sub-path is the accounts module's.)
 */
export async function membersPages(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply) => noStore(reply));
  const render = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; errors?: FieldError[] } = {},
  ) => {
    const { slug } = request.params as { slug: string };
    const data = await membersPage(request.ctx, slug);
    return sendPage(
      request,
      reply,
      {
        title: request.t('accounts.members.title', { name: data.organisation.name }),
        status: extra.status,
      },
      <MembersPage
        data={data}
        done={(request.query as { done?: string } | undefined)?.done}
        values={extra.errors ? formValues(request.body) : undefined}
        errors={extra.errors ? errorsByField(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/organisations/:slug/members',
    { config: { page: true }, schema: { hide: true, querystring: NoticeQuery } },
    async (request, reply) => render(request, reply),
  );
  app.post(
    '/organisations/:slug/members/join',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { slug } = request.params as { slug: string };
      const result = await runForm(MembersJoinForm, request.body, (input) =>
        requestMembership(request.ctx, slug, input),
      );
      if (!result.ok)
        return render(request, reply, { status: result.status, errors: result.errors });
      return seeOther(
        request,
        reply,
        `/organisations/${encodeURIComponent(slug)}/members?done=joinRequested`,
      );
    },
  );
  app.post(
    '/organisations/:slug/members/:id/decide',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const { slug, id } = request.params as { slug: string; id: string };
      const result = await runForm(DecisionForm, request.body, (input) =>
        decideMembership(request.ctx, id, input.decision as 'accept'),
      );
      if (!result.ok)
        return render(request, reply, { status: result.status, errors: result.errors });
      return seeOther(
        request,
        reply,
        `/organisations/${encodeURIComponent(slug)}/members?done=decided`,
      );
    },
  );
}

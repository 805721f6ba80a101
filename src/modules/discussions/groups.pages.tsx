import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError, isAppError } from '../../platform/errors.ts';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { sendPage, useView } from '../../web/view.tsx';
import { isAllowed } from '../accounts/index.ts';
import { listDiscussions, type DiscussionPage } from './discussions.service.ts';
import {
  addMember,
  createGroup,
  getGroup,
  myGroups,
  removeMember,
  type GroupSummary,
} from './groups.service.ts';
import { readForm, asString } from './form-data.ts';
import { ThreadList, lookups, seeOther, type Lookups } from './discussions.components.tsx';

type Group = Awaited<ReturnType<typeof getGroup>>;

function GroupsPage(props: {
  groups: GroupSummary[];
  canCreate: boolean;
  state: { name: string; description: string; adminEmail: string };
  errors: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('discussions.groups.title')}</h1>
      <p class="lead">{t('discussions.groups.intro')}</p>
      {props.groups.length ? (
        <ul class="results">
          {props.groups.map((g) => (
            <li key={g.id}>
              <h2>
                <a href={view.href(`/discussions/groups/${g.id}`)}>{g.name}</a>
              </h2>
              <p class="meta">
                {t(`discussions.groups.role.${g.role}`)}
                {g.isDemo ? ` · ${t('discussions.demo')}` : ''}
              </p>
              {g.description ? <p>{g.description}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('discussions.groups.none')}</p>
      )}
      {props.canCreate ? (
        <section aria-labelledby="create-group">
          <h2 id="create-group">{t('discussions.groups.create')}</h2>
          <ErrorSummary errors={props.errors} />
          <PostForm action="/discussions/groups">
            <TextField
              name="name"
              label={t('discussions.groups.name')}
              value={props.state.name}
              errors={props.errors}
              required
              maxLength={120}
            />
            <TextArea
              name="description"
              label={t('discussions.groups.description')}
              value={props.state.description}
              errors={props.errors}
              rows={3}
              maxLength={2000}
            />
            <TextField
              name="adminEmail"
              type="email"
              label={t('discussions.groups.adminEmail')}
              hint={t('discussions.groups.adminEmailHint')}
              value={props.state.adminEmail}
              errors={props.errors}
              required
            />
            <button type="submit">{t('discussions.groups.createSubmit')}</button>
          </PostForm>
        </section>
      ) : null}
    </>
  );
}

function GroupPage(props: {
  group: Group;
  threads: DiscussionPage;
  lookups: Lookups;
  state: { email: string; role: string };
  errors: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const g = props.group;
  const admin = g.role === 'admin';
  return (
    <>
      <p>
        <a href={view.href('/discussions/groups')}>{t('discussions.groups.title')}</a>
      </p>
      <h1>{g.name}</h1>
      <p class="notice">{t('discussions.groups.privateNotice')}</p>
      {g.description ? <p class="lead">{g.description}</p> : null}
      <p>
        <a class="button" href={view.href(`/discussions/new?group=${g.id}`)}>
          {t('discussions.groups.startHere')}
        </a>
      </p>
      <section aria-labelledby="group-threads">
        <h2 id="group-threads">{t('discussions.results', { count: props.threads.total })}</h2>
        <ThreadList items={props.threads.items} lookups={props.lookups} />
      </section>
      <section aria-labelledby="group-members">
        <h2 id="group-members">{t('discussions.groups.members', { count: g.members.length })}</h2>
        <ul>
          {g.members.map((m) => (
            <li key={m.userId}>
              {m.name} ({t(`discussions.groups.role.${m.role}`)}){m.email ? ` — ${m.email}` : ''}{' '}
              {admin || m.userId === view.actor.userId ? (
                <PostForm
                  action={`/discussions/groups/${g.id}/members/${m.userId}/remove`}
                  class="inline"
                >
                  <button type="submit" class="link">
                    {m.userId === view.actor.userId
                      ? t('discussions.groups.leave')
                      : t('discussions.groups.remove', { name: m.name })}
                  </button>
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
        {admin ? (
          <>
            <h3>{t('discussions.groups.add')}</h3>
            <ErrorSummary errors={props.errors} />
            <PostForm action={`/discussions/groups/${g.id}/members`}>
              <TextField
                name="email"
                type="email"
                label={t('discussions.groups.email')}
                value={props.state.email}
                errors={props.errors}
                required
              />
              <SelectField
                name="role"
                label={t('discussions.groups.roleLabel')}
                value={props.state.role}
                errors={props.errors}
                options={[
                  { value: 'member', label: t('discussions.groups.role.member') },
                  { value: 'admin', label: t('discussions.groups.role.admin') },
                ]}
              />
              <button type="submit">{t('discussions.groups.addSubmit')}</button>
            </PostForm>
          </>
        ) : null}
      </section>
    </>
  );
}

function requireMember(request: FastifyRequest): void {
  if (!request.actor.userId)
    throw new AppError('unauthenticated', request.t('discussions.signInToTakePart'));
}

function formErrorsOf(error: unknown): FormErrors | null {
  if (!isAppError(error)) return null;
  if (error.code === 'validation') return errorsByField(error.errors);
  if (error.code === 'conflict') return { _form: error.message };
  return null;
}

export async function groupPages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } };
  const emptyGroup = { name: '', description: '', adminEmail: '' };

  app.get('/discussions/groups', page, async (request, reply) => {
    requireMember(request);
    return sendPage(
      request,
      reply,
      { title: request.t('discussions.groups.title') },
      <GroupsPage
        groups={await myGroups(request.ctx)}
        canCreate={isAllowed(request.ctx, 'discussion.group.create')}
        state={emptyGroup}
        errors={{}}
      />,
    );
  });

  app.post('/discussions/groups', page, async (request, reply) => {
    requireMember(request);
    const { fields } = await readForm(request);
    const state = {
      name: asString(fields.name),
      description: asString(fields.description),
      adminEmail: asString(fields.adminEmail),
    };
    try {
      const { id } = await createGroup(request.ctx, state);
      return seeOther(request, reply, `/discussions/groups/${id}`);
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return sendPage(
        request,
        reply,
        { title: request.t('discussions.groups.title'), status: 422 },
        <GroupsPage
          groups={await myGroups(request.ctx)}
          canCreate={isAllowed(request.ctx, 'discussion.group.create')}
          state={state}
          errors={errors}
        />,
      );
    }
  });

  async function renderGroup(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: { email: string; role: string },
    errors: FormErrors,
    status = 200,
  ) {
    const group = await getGroup(request.ctx, id);
    const threads = await listDiscussions(request.ctx, { groupId: group.id, pageSize: 50 });
    return sendPage(
      request,
      reply,
      { title: group.name, status },
      <GroupPage
        group={group}
        threads={threads}
        lookups={await lookups(request)}
        state={state}
        errors={errors}
      />,
    );
  }

  app.get('/discussions/groups/:id', page, async (request, reply) => {
    requireMember(request);
    const { id } = request.params as { id: string };
    return renderGroup(request, reply, id, { email: '', role: 'member' }, {});
  });

  app.post('/discussions/groups/:id/members', page, async (request, reply) => {
    requireMember(request);
    const { id } = request.params as { id: string };
    const { fields } = await readForm(request);
    const state = { email: asString(fields.email), role: asString(fields.role) };
    try {
      await addMember(request.ctx, id, state);
      return seeOther(request, reply, `/discussions/groups/${id}`);
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return renderGroup(request, reply, id, state, errors, 422);
    }
  });

  app.post('/discussions/groups/:id/members/:userId/remove', page, async (request, reply) => {
    requireMember(request);
    const { id, userId } = request.params as { id: string; userId: string };
    await readForm(request);
    try {
      await removeMember(request.ctx, id, userId);
    } catch (error) {
      const errors = formErrorsOf(error);
      if (!errors) throw error;
      return renderGroup(request, reply, id, { email: '', role: 'member' }, errors, 409);
    }
    return seeOther(
      request,
      reply,
      userId === request.actor.userId ? '/discussions/groups' : `/discussions/groups/${id}`,
    );
  });
}

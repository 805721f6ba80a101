import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import QRCode from 'qrcode';
import type { Static, TSchema } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  errorsByField,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { AppError, isAppError, type FieldError } from '../../platform/errors.ts';
import { LOCALES } from '../../platform/i18n/index.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { myAccount, updateProfile } from './accounts.service.ts';
import * as auth from './auth.service.ts';
import { endMySession, mySessions, signOutEverywhere } from './sessions.service.ts';
import { disableTotp, enableTotp, mfaState, regenerateRecoveryCodes } from './mfa.service.ts';
import {
  createApiToken,
  myApiTokens,
  revokeApiToken,
  TOKEN_LIFETIMES_DAYS,
} from './api-tokens.service.ts';
import { leaveOrganisation, myMemberships, requestMembership } from './memberships.service.ts';
import { deleteMyAccount, exportMyData } from './personal-data.service.ts';
import { TOKEN_SCOPES, can } from './permissions.ts';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX } from './accounts.ts';
import {
  ApiTokenForm,
  DeleteAccountForm,
  EmailChangeForm,
  EmptyForm,
  JoinForm,
  MfaDisableForm,
  MfaEnableForm,
  NoticeQuery,
  PasswordChangeForm,
  ProfileForm,
  RecoveryCodesForm,
  SessionEndForm,
  TokenForm,
  TokenQuery,
} from './accounts.schemas.ts';
import {
  clearSessionCookie,
  formValues,
  noStore,
  Notice,
  redirectToSignIn,
  runForm,
  seeOther,
  signedIn,
} from './page-kit.tsx';

const page = { config: { page: true }, schema: { hide: true } } as const;
const withNotice = {
  config: { page: true },
  schema: { hide: true, querystring: NoticeQuery },
} as const;
type Values = Record<string, string>;

const SECTIONS = [
  ['/account', 'accounts.nav.profile'],
  ['/account/security', 'accounts.nav.security'],
  ['/account/mfa', 'accounts.nav.mfa'],
  ['/account/tokens', 'accounts.nav.tokens'],
  ['/account/organisations', 'accounts.nav.organisations'],
  ['/account/data', 'accounts.nav.data'],
] as const;

function AccountFrame(props: {
  title: string;
  done?: string;
  notices?: readonly string[];
  children: ComponentChildren;
}): VNode {
  const view = useView();
  return (
    <div class="layout-with-aside">
      <nav aria-label={view.t('accounts.nav.label')} class="account-nav">
        <ul>
          {SECTIONS.map(([path, key]) => (
            <li key={path}>
              <a href={view.href(path)} aria-current={view.path === path ? 'page' : undefined}>
                {view.t(key)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div>
        <h1>{props.title}</h1>
        <Notice done={props.done} allowed={props.notices ?? []} />
        {props.children}
      </div>
    </div>
  );
}

function errs(errors: readonly FieldError[]): FormErrors {
  return errorsByField(errors);
}

// ---------- Profile, email, password

type Account = Awaited<ReturnType<typeof myAccount>>;

function ProfilePage(props: {
  account: Account;
  done?: string;
  form?: 'profile' | 'email' | 'password';
  values?: Values;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const a = props.account;
  return (
    <AccountFrame
      title={t('accounts.profile.title')}
      done={props.done}
      notices={['profileSaved', 'emailSent', 'passwordChanged', 'emailChanged', 'mfaEnabled']}
    >
      <ErrorSummary errors={errors} />
      <section aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('accounts.profile.details')}</h2>
        <PostForm action="/account/profile">
          <TextField
            name="displayName"
            label={t('accounts.field.displayName')}
            value={props.form === 'profile' ? values.displayName : a.displayName}
            errors={props.form === 'profile' ? errors : {}}
            maxLength={NAME_MAX}
            autocomplete="name"
            required
          />
          <SelectField
            name="locale"
            label={t('accounts.field.locale')}
            value={props.form === 'profile' ? values.locale : a.locale}
            errors={props.form === 'profile' ? errors : {}}
            options={LOCALES.map((l) => ({ value: l, label: t(`accounts.language.${l}`) }))}
          />
          <button type="submit">{t('form.save')}</button>
        </PostForm>
      </section>
      <section aria-labelledby="email-heading">
        <h2 id="email-heading">{t('accounts.profile.email')}</h2>
        <p>{t('accounts.profile.currentEmail', { email: a.email })}</p>
        <PostForm action="/account/email">
          <TextField
            name="newEmail"
            type="email"
            label={t('accounts.field.newEmail')}
            hint={t('accounts.profile.emailHint')}
            value={props.form === 'email' ? values.newEmail : ''}
            errors={props.form === 'email' ? errors : {}}
            maxLength={EMAIL_MAX}
            autocomplete="email"
            required
          />
          <TextField
            name="emailPassword"
            type="password"
            label={t('accounts.field.password')}
            errors={props.form === 'email' ? errors : {}}
            maxLength={PASSWORD_MAX}
            autocomplete="current-password"
            required
          />
          <button type="submit">{t('accounts.profile.changeEmail')}</button>
        </PostForm>
      </section>
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">{t('accounts.profile.password')}</h2>
        <PostForm action="/account/password">
          <TextField
            name="currentPassword"
            type="password"
            label={t('accounts.field.currentPassword')}
            errors={props.form === 'password' ? errors : {}}
            maxLength={PASSWORD_MAX}
            autocomplete="current-password"
            required
          />
          <TextField
            name="newPassword"
            type="password"
            label={t('accounts.field.newPassword')}
            hint={t('accounts.field.passwordHint')}
            errors={props.form === 'password' ? errors : {}}
            maxLength={PASSWORD_MAX}
            autocomplete="new-password"
            required
          />
          <button type="submit">{t('accounts.profile.changePassword')}</button>
        </PostForm>
      </section>
      {a.grants.length > 0 ? (
        <section aria-labelledby="roles-heading">
          <h2 id="roles-heading">{t('accounts.profile.roles')}</h2>
          <ul>
            {a.grants.map((g) => (
              <li key={g.id}>
                {t(`accounts.role.${g.role}`)}
                {g.scopeType === 'site' ? '' : ` (${t(`accounts.scope.${g.scopeType}`)})`}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AccountFrame>
  );
}

// ---------- Security: sessions

type Sessions = Awaited<ReturnType<typeof mySessions>>;

function SecurityPage(props: {
  sessions: Sessions;
  totpEnabled: boolean;
  done?: string;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <AccountFrame title={t('accounts.security.title')} done={props.done} notices={['sessionEnded']}>
      <ErrorSummary errors={props.errors ?? {}} />
      <section aria-labelledby="mfa-heading">
        <h2 id="mfa-heading">{t('accounts.nav.mfa')}</h2>
        <p>
          {props.totpEnabled ? t('accounts.security.mfaOn') : t('accounts.security.mfaOff')}{' '}
          <a href={view.href('/account/mfa')}>{t('accounts.security.mfaManage')}</a>
        </p>
      </section>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('accounts.security.sessions')}</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('accounts.security.device')}</th>
                <th scope="col">{t('accounts.security.started')}</th>
                <th scope="col">{t('accounts.security.lastSeen')}</th>
                <th scope="col">{t('accounts.security.action')}</th>
              </tr>
            </thead>
            <tbody>
              {props.sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.userAgent ?? t('accounts.security.unknownDevice')}
                    {s.ip ? ` · ${s.ip}` : ''}
                    {s.current ? <strong> ({t('accounts.security.thisSession')})</strong> : null}
                  </td>
                  <td>
                    {view.formatDate(s.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
                  </td>
                  <td>
                    {view.formatDate(s.lastSeenAt, { dateStyle: 'medium', timeStyle: 'short' })}
                  </td>
                  <td>
                    {s.current ? null : (
                      <PostForm action="/account/sessions/end" class="inline">
                        <input type="hidden" name="session" value={s.id} />
                        <button type="submit" class="secondary">
                          {t('accounts.security.end')}
                        </button>
                      </PostForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <PostForm action="/account/sessions/end-all">
          <button type="submit" class="danger">
            {t('accounts.security.endAll')}
          </button>
        </PostForm>
      </section>
    </AccountFrame>
  );
}

// ---------- Two-step verification

type Mfa = Awaited<ReturnType<typeof mfaState>>;

function RecoveryCodes(props: { codes: readonly string[] }): VNode {
  const { t } = useView();
  return (
    <section aria-labelledby="codes-heading" class="notice warn">
      <h2 id="codes-heading">{t('accounts.mfa.codesTitle')}</h2>
      <p>{t('accounts.mfa.codesIntro')}</p>
      <ul class="codes">
        {props.codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MfaPage(props: {
  state: Mfa;
  qrSvg?: string;
  done?: string;
  codes?: readonly string[];
  form?: 'enable' | 'disable' | 'codes';
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const errors = props.errors ?? {};
  const s = props.state;
  return (
    <AccountFrame
      title={t('accounts.mfa.title')}
      done={props.done}
      notices={['mfaRequired', 'recoveryUsed', 'mfaDisabled']}
    >
      <ErrorSummary errors={errors} />
      {props.codes ? <RecoveryCodes codes={props.codes} /> : null}
      {s.required && !s.enabled ? <p class="notice warn">{t('accounts.mfa.required')}</p> : null}
      {s.enabled ? (
        <>
          <p>{t('accounts.mfa.on')}</p>
          <p>{t('accounts.mfa.codesLeft', { count: s.recoveryCodesLeft })}</p>
          <section aria-labelledby="regen-heading">
            <h2 id="regen-heading">{t('accounts.mfa.regenerate')}</h2>
            <PostForm action="/account/mfa/recovery-codes">
              <TextField
                name="codesPassword"
                type="password"
                label={t('accounts.field.password')}
                errors={props.form === 'codes' ? errors : {}}
                maxLength={PASSWORD_MAX}
                autocomplete="current-password"
                required
              />
              <button type="submit">{t('accounts.mfa.regenerate')}</button>
            </PostForm>
          </section>
          {s.required ? (
            <p>{t('accounts.mfa.cannotDisable')}</p>
          ) : (
            <section aria-labelledby="disable-heading">
              <h2 id="disable-heading">{t('accounts.mfa.disable')}</h2>
              <PostForm action="/account/mfa/disable">
                <TextField
                  name="disablePassword"
                  type="password"
                  label={t('accounts.field.password')}
                  errors={props.form === 'disable' ? errors : {}}
                  maxLength={PASSWORD_MAX}
                  autocomplete="current-password"
                  required
                />
                <TextField
                  name="disableCode"
                  label={t('accounts.field.code')}
                  errors={props.form === 'disable' ? errors : {}}
                  maxLength={40}
                  autocomplete="one-time-code"
                  required
                />
                <button type="submit" class="danger">
                  {t('accounts.mfa.disable')}
                </button>
              </PostForm>
            </section>
          )}
        </>
      ) : (
        <>
          <p>{t('accounts.mfa.intro')}</p>
          <ol>
            <li>{t('accounts.mfa.step1')}</li>
            <li>
              {t('accounts.mfa.step2')}
              <div
                class="qr"
                role="img"
                aria-label={t('accounts.mfa.qrLabel')}
                dangerouslySetInnerHTML={{ __html: props.qrSvg ?? '' }}
              />
              <p>
                {t('accounts.mfa.manual')} <code class="secret">{s.secret}</code>
              </p>
            </li>
            <li>{t('accounts.mfa.step3')}</li>
          </ol>
          <PostForm action="/account/mfa/enable">
            <TextField
              name="code"
              label={t('accounts.field.code')}
              errors={props.form === 'enable' ? errors : {}}
              maxLength={20}
              autocomplete="one-time-code"
              inputMode="numeric"
              required
            />
            <button type="submit">{t('accounts.mfa.enable')}</button>
          </PostForm>
        </>
      )}
    </AccountFrame>
  );
}

async function qrSvg(uri: string): Promise<string> {
  // A server-made SVG: no script, no external request; the CSP allows it inline.
  return QRCode.toString(uri, { type: 'svg', margin: 2, width: 224, errorCorrectionLevel: 'M' });
}

// ---------- API tokens

type Tokens = Awaited<ReturnType<typeof myApiTokens>>;

function TokensPage(props: {
  tokens: Tokens;
  created?: { secret: string; name: string };
  canAdmin: boolean;
  done?: string;
  values?: { tokenName?: string; expiresInDays?: string; scopes?: string[] };
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const errors = props.errors ?? {};
  const scopes = TOKEN_SCOPES.filter((s) => s !== 'admin' || props.canAdmin);
  return (
    <AccountFrame title={t('accounts.tokens.title')} done={props.done} notices={['tokenRevoked']}>
      <p>{t('accounts.tokens.intro')}</p>
      {props.created ? (
        <section class="notice warn" aria-labelledby="created-heading">
          <h2 id="created-heading">
            {t('accounts.tokens.createdTitle', { name: props.created.name })}
          </h2>
          <p>{t('accounts.tokens.createdIntro')}</p>
          <p>
            <code class="secret">{props.created.secret}</code>
          </p>
        </section>
      ) : null}
      <ErrorSummary errors={errors} />
      <section aria-labelledby="new-token-heading">
        <h2 id="new-token-heading">{t('accounts.tokens.new')}</h2>
        <PostForm action="/account/tokens">
          <TextField
            name="tokenName"
            label={t('accounts.tokens.name')}
            hint={t('accounts.tokens.nameHint')}
            value={props.values?.tokenName}
            errors={errors}
            maxLength={NAME_MAX}
            required
          />
          <CheckboxGroup
            name="scopes"
            label={t('accounts.tokens.scopes')}
            values={props.values?.scopes ?? ['read']}
            errors={errors}
            options={scopes.map((s) => ({ value: s, label: t(`accounts.tokens.scope.${s}`) }))}
          />
          <SelectField
            name="expiresInDays"
            label={t('accounts.tokens.lifetime')}
            value={props.values?.expiresInDays ?? '90'}
            errors={errors}
            options={TOKEN_LIFETIMES_DAYS.map((d) => ({
              value: String(d),
              label: t('accounts.tokens.days', { count: d }),
            }))}
          />
          <button type="submit">{t('accounts.tokens.create')}</button>
        </PostForm>
      </section>
      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{t('accounts.tokens.yours')}</h2>
        {props.tokens.length === 0 ? (
          <p>{t('accounts.tokens.none')}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('accounts.tokens.name')}</th>
                  <th scope="col">{t('accounts.tokens.scopes')}</th>
                  <th scope="col">{t('accounts.tokens.expires')}</th>
                  <th scope="col">{t('accounts.tokens.lastUsed')}</th>
                  <th scope="col">{t('accounts.security.action')}</th>
                </tr>
              </thead>
              <tbody>
                {props.tokens.map((tk) => (
                  <tr key={tk.id}>
                    <td>
                      {tk.name} <code>{tk.prefix}…</code>
                    </td>
                    <td>{tk.scopes.join(', ')}</td>
                    <td>{view.formatDate(tk.expiresAt)}</td>
                    <td>
                      {tk.lastUsedAt ? view.formatDate(tk.lastUsedAt) : t('accounts.tokens.never')}
                    </td>
                    <td>
                      {tk.active ? (
                        <PostForm action={`/account/tokens/${tk.id}/revoke`} class="inline">
                          <button type="submit" class="secondary">
                            {t('accounts.tokens.revoke')}
                          </button>
                        </PostForm>
                      ) : (
                        t(tk.revokedAt ? 'accounts.tokens.revoked' : 'accounts.tokens.expired')
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AccountFrame>
  );
}

// ---------- Organisations

type Memberships = Awaited<ReturnType<typeof myMemberships>>;

function OrganisationsPage(props: {
  memberships: Memberships;
  done?: string;
  values?: Values;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const errors = props.errors ?? {};
  return (
    <AccountFrame
      title={t('accounts.organisations.title')}
      done={props.done}
      notices={['joinRequested', 'left']}
    >
      {props.memberships.length === 0 ? (
        <p>{t('accounts.organisations.none')}</p>
      ) : (
        <ul class="results">
          {props.memberships.map((m) => (
            <li key={m.id}>
              {m.organisation ? (
                <a href={view.href(`/organisations/${m.organisation.slug}/members`)}>
                  {m.organisation.name}
                </a>
              ) : (
                t('accounts.organisations.unknown')
              )}{' '}
              <span class="tag">{t(`accounts.membership.${m.status}`)}</span>{' '}
              {m.status === 'pending' || m.status === 'accepted' ? (
                <PostForm action={`/account/organisations/${m.id}/leave`} class="inline">
                  <button type="submit" class="link">
                    {t(
                      m.status === 'pending'
                        ? 'accounts.organisations.withdraw'
                        : 'accounts.organisations.leave',
                    )}
                  </button>
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="join-heading">
        <h2 id="join-heading">{t('accounts.organisations.join')}</h2>
        <ErrorSummary errors={errors} />
        <PostForm action="/account/organisations">
          <TextField
            name="organisation"
            label={t('accounts.organisations.which')}
            hint={t('accounts.organisations.whichHint')}
            value={props.values?.organisation}
            errors={errors}
            maxLength={200}
            required
          />
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
    </AccountFrame>
  );
}

// ---------- Your data

function DataPage(props: { errors?: FormErrors }): VNode {
  const view = useView();
  const { t } = view;
  const errors = props.errors ?? {};
  return (
    <AccountFrame title={t('accounts.data.title')}>
      <section aria-labelledby="download-heading">
        <h2 id="download-heading">{t('accounts.data.download')}</h2>
        <p>{t('accounts.data.downloadIntro')}</p>
        <p>
          <a
            class="button"
            href={view.href('/account/data.json')}
            download="capacity-commons-my-data.json"
          >
            {t('accounts.data.downloadButton')}
          </a>
        </p>
      </section>
      <section aria-labelledby="delete-heading">
        <h2 id="delete-heading">{t('accounts.data.delete')}</h2>
        <p>{t('accounts.data.deleteIntro')}</p>
        <ErrorSummary errors={errors} />
        <PostForm action="/account/delete">
          <TextField
            name="deletePassword"
            type="password"
            label={t('accounts.field.password')}
            errors={errors}
            maxLength={PASSWORD_MAX}
            autocomplete="current-password"
            required
          />
          <div class={errors.confirm ? 'field has-error' : 'field'}>
            {errors.confirm ? (
              <p class="error" id="error-confirm">
                {errors.confirm}
              </p>
            ) : null}
            <label class="checkbox" for="field-confirm">
              <input
                type="checkbox"
                id="field-confirm"
                name="confirm"
                value="yes"
                aria-describedby={errors.confirm ? 'error-confirm' : undefined}
              />{' '}
              {t('accounts.data.confirm')}
            </label>
          </div>
          <button type="submit" class="danger">
            {t('accounts.data.deleteButton')}
          </button>
        </PostForm>
      </section>
    </AccountFrame>
  );
}

function EmailConfirmPage(props: { token: string }): VNode {
  const { t } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.emailConfirm.title')}</h1>
      <p>{t('accounts.emailConfirm.intro')}</p>
      <PostForm action="/account/email/confirm">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t('accounts.emailConfirm.submit')}</button>
      </PostForm>
    </section>
  );
}

function GonePage(props: { body: string }): VNode {
  const { t } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.link.goneTitle')}</h1>
      <p>{props.body}</p>
    </section>
  );
}

/** The signed-in person's own pages under /account. */
export async function accountPages(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  const done = (request: FastifyRequest) => (request.query as { done?: string } | undefined)?.done;
  const guard = (request: FastifyRequest, reply: FastifyReply) => {
    if (signedIn(request)) return null;
    return redirectToSignIn(request, reply);
  };

  // --- Profile, email and password
  const renderProfile = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; form?: 'profile' | 'email' | 'password'; errors?: FieldError[] } = {},
  ) => {
    const account = await myAccount(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.profile.title'), status: extra.status },
      <ProfilePage
        account={account}
        done={done(request)}
        form={extra.form}
        values={formValues(request.body, ['emailPassword', 'currentPassword', 'newPassword'])}
        errors={extra.errors ? errs(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/account',
    withNotice,
    async (request, reply) => guard(request, reply) ?? renderProfile(request, reply),
  );
  // The three forms of the profile page: each shows the page again with its own errors.
  const profileForm = <S extends TSchema>(
    path: string,
    form: 'profile' | 'email' | 'password',
    schema: S,
    work: (ctx: ServiceContext, input: Static<S>) => Promise<unknown>,
    done: string,
  ) =>
    app.post(path, page, async (request, reply) => {
      const result = await runForm(schema, request.body, (input) => work(request.ctx, input));
      if (!result.ok)
        return renderProfile(request, reply, {
          status: result.status,
          form,
          errors: result.errors,
        });
      return seeOther(request, reply, `/account?done=${done}`);
    });
  profileForm('/account/profile', 'profile', ProfileForm, updateProfile, 'profileSaved');
  profileForm('/account/email', 'email', EmailChangeForm, auth.requestEmailChange, 'emailSent');
  profileForm(
    '/account/password',
    'password',
    PasswordChangeForm,
    auth.changePassword,
    'passwordChanged',
  );
  app.get(
    '/account/email/confirm',
    { ...page, schema: { hide: true, querystring: TokenQuery } },
    async (request, reply) => {
      const { token } = request.query as { token: string };
      if (!(await auth.linkIsValid(request.ctx, 'change-email', token))) {
        return sendPage(
          request,
          reply,
          { title: request.t('accounts.link.goneTitle'), status: 410 },
          <GonePage body={request.t('accounts.link.goneEmail')} />,
        );
      }
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.emailConfirm.title') },
        <EmailConfirmPage token={token} />,
      );
    },
  );
  app.post('/account/email/confirm', page, async (request, reply) => {
    const result = await runForm(TokenForm, request.body, (input) =>
      auth.confirmEmailChange(request.ctx, input.token),
    );
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.link.goneTitle'), status: result.status },
        <GonePage body={result.errors[0]?.message ?? request.t('accounts.link.goneEmail')} />,
      );
    }
    return seeOther(
      request,
      reply,
      signedIn(request) ? '/account?done=emailChanged' : '/sign-in?done=emailChanged',
    );
  });

  // --- Security: sessions
  const renderSecurity = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; errors?: FieldError[] } = {},
  ) => {
    const [sessions, account] = await Promise.all([
      mySessions(request.ctx),
      myAccount(request.ctx),
    ]);
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.security.title'), status: extra.status },
      <SecurityPage
        sessions={sessions}
        totpEnabled={account.totpEnabled}
        done={done(request)}
        errors={extra.errors ? errs(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/account/security',
    withNotice,
    async (request, reply) => guard(request, reply) ?? renderSecurity(request, reply),
  );
  app.post('/account/sessions/end', page, async (request, reply) => {
    const result = await runForm(SessionEndForm, request.body, (input) =>
      endMySession(request.ctx, input.session),
    );
    if (!result.ok)
      return renderSecurity(request, reply, { status: result.status, errors: result.errors });
    return seeOther(request, reply, '/account/security?done=sessionEnded');
  });
  app.post('/account/sessions/end-all', page, async (request, reply) => {
    const result = await runForm(EmptyForm, request.body, () => signOutEverywhere(request.ctx));
    if (!result.ok)
      return renderSecurity(request, reply, { status: result.status, errors: result.errors });
    clearSessionCookie(reply);
    return seeOther(request, reply, '/sign-in?done=signedOutEverywhere');
  });

  // --- Two-step verification
  const renderMfa = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      status?: number;
      form?: 'enable' | 'disable' | 'codes';
      errors?: FieldError[];
      codes?: string[];
    } = {},
  ) => {
    const state = await mfaState(request.ctx);
    const svg = state.enabled ? undefined : await qrSvg(state.uri);
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.mfa.title'), status: extra.status },
      <MfaPage
        state={state}
        qrSvg={svg}
        done={done(request)}
        codes={extra.codes}
        form={extra.form}
        errors={extra.errors ? errs(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/account/mfa',
    withNotice,
    async (request, reply) => guard(request, reply) ?? renderMfa(request, reply),
  );
  app.post('/account/mfa/enable', page, async (request, reply) => {
    const result = await runForm(MfaEnableForm, request.body, (input) =>
      enableTotp(request.ctx, input.code),
    );
    if (!result.ok)
      return renderMfa(request, reply, {
        status: result.status,
        form: 'enable',
        errors: result.errors,
      });
    // The recovery codes are shown once, in this answer; they are stored only hashed.
    return renderMfa(request, reply, { codes: result.value });
  });
  app.post('/account/mfa/disable', page, async (request, reply) => {
    const result = await runForm(MfaDisableForm, request.body, (input) =>
      disableTotp(request.ctx, input),
    );
    if (!result.ok)
      return renderMfa(request, reply, {
        status: result.status,
        form: 'disable',
        errors: result.errors,
      });
    return seeOther(request, reply, '/account/mfa?done=mfaDisabled');
  });
  app.post('/account/mfa/recovery-codes', page, async (request, reply) => {
    const result = await runForm(RecoveryCodesForm, request.body, (input) =>
      regenerateRecoveryCodes(request.ctx, input),
    );
    if (!result.ok)
      return renderMfa(request, reply, {
        status: result.status,
        form: 'codes',
        errors: result.errors,
      });
    return renderMfa(request, reply, { codes: result.value });
  });

  // --- API tokens
  const renderTokens = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      status?: number;
      errors?: FieldError[];
      created?: { secret: string; name: string };
      keepValues?: boolean;
    } = {},
  ) => {
    const tokens = await myApiTokens(request.ctx);
    const body = request.body as { scopes?: unknown } | undefined;
    const scopes = Array.isArray(body?.scopes)
      ? body.scopes.filter((s): s is string => typeof s === 'string')
      : typeof body?.scopes === 'string'
        ? [body.scopes]
        : undefined;
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.tokens.title'), status: extra.status },
      <TokensPage
        tokens={tokens}
        created={extra.created}
        canAdmin={can(request.actor, 'users.manage')}
        done={done(request)}
        values={
          extra.keepValues
            ? {
                tokenName: formValues(request.body).tokenName,
                expiresInDays: formValues(request.body).expiresInDays,
                scopes,
              }
            : undefined
        }
        errors={extra.errors ? errs(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/account/tokens',
    withNotice,
    async (request, reply) => guard(request, reply) ?? renderTokens(request, reply),
  );
  app.post('/account/tokens', page, async (request, reply) => {
    const result = await runForm(ApiTokenForm, request.body, (input) =>
      createApiToken(request.ctx, {
        tokenName: input.tokenName,
        scopes: input.scopes ?? [],
        expiresInDays: /^\d{1,4}$/.test(input.expiresInDays) ? Number(input.expiresInDays) : -1,
      }),
    );
    if (!result.ok)
      return renderTokens(request, reply, {
        status: result.status,
        errors: result.errors,
        keepValues: true,
      });
    // Shown once, in this answer; only a hash is kept.
    return renderTokens(request, reply, {
      created: { secret: result.value.secret, name: result.value.name },
    });
  });
  app.post('/account/tokens/:id/revoke', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const result = await runForm(EmptyForm, request.body, () => revokeApiToken(request.ctx, id));
    if (!result.ok)
      return renderTokens(request, reply, { status: result.status, errors: result.errors });
    return seeOther(request, reply, '/account/tokens?done=tokenRevoked');
  });

  // --- Organisations
  const renderOrganisations = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { status?: number; errors?: FieldError[] } = {},
  ) => {
    const memberships = await myMemberships(request.ctx);
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.organisations.title'), status: extra.status },
      <OrganisationsPage
        memberships={memberships}
        done={done(request)}
        values={extra.errors ? formValues(request.body) : undefined}
        errors={extra.errors ? errs(extra.errors) : {}}
      />,
    );
  };
  app.get(
    '/account/organisations',
    withNotice,
    async (request, reply) => guard(request, reply) ?? renderOrganisations(request, reply),
  );
  app.post('/account/organisations', page, async (request, reply) => {
    const result = await runForm(JoinForm, request.body, async (input) => {
      const slug = input.organisation.trim().toLowerCase();
      try {
        return await requestMembership(request.ctx, slug, { message: input.message });
      } catch (error) {
        if (isAppError(error) && error.code === 'not_found') {
          throw AppError.validation([
            { path: '/organisation', message: request.t('accounts.organisations.notFound') },
          ]);
        }
        throw error;
      }
    });
    if (!result.ok)
      return renderOrganisations(request, reply, { status: result.status, errors: result.errors });
    return seeOther(request, reply, '/account/organisations?done=joinRequested');
  });
  app.post('/account/organisations/:id/leave', page, async (request, reply) => {
    const { id } = request.params as { id: string };
    const result = await runForm(EmptyForm, request.body, () => leaveOrganisation(request.ctx, id));
    if (!result.ok)
      return renderOrganisations(request, reply, { status: result.status, errors: result.errors });
    return seeOther(request, reply, '/account/organisations?done=left');
  });

  // --- Your data
  app.get('/account/data', page, async (request, reply) => {
    const redirect = guard(request, reply);
    if (redirect) return redirect;
    await myAccount(request.ctx);
    return sendPage(request, reply, { title: request.t('accounts.data.title') }, <DataPage />);
  });
  app.get('/account/data.json', page, async (request, reply) => {
    const redirect = guard(request, reply);
    if (redirect) return redirect;
    const data = await exportMyData(request.ctx);
    return reply
      .header('content-disposition', 'attachment; filename="capacity-commons-my-data.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });
  app.post('/account/delete', page, async (request, reply) => {
    const result = await runForm(DeleteAccountForm, request.body, (input) =>
      deleteMyAccount(request.ctx, {
        deletePassword: input.deletePassword,
        confirm: input.confirm ?? '',
      }),
    );
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.data.title'), status: result.status },
        <DataPage errors={errs(result.errors)} />,
      );
    }
    clearSessionCookie(reply);
    return seeOther(request, reply, '/sign-in?done=deleted');
  });
}

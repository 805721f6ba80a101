import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  errorsByField,
  PostForm,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import type { FieldError } from '../../platform/errors.ts';
import { AppError } from '../../platform/errors.ts';
import * as auth from './auth.service.ts';
import { signOut } from './sessions.service.ts';
import { safeNext, NAME_MAX, EMAIL_MAX, PASSWORD_MAX } from './accounts.ts';
import {
  EmailForm,
  NewPasswordForm,
  NextQuery,
  NoticeQuery,
  SignInCodeForm,
  SignInForm,
  SignUpForm,
  TokenForm,
  TokenQuery,
} from './accounts.schemas.ts';
import {
  clearSessionCookie,
  formValues,
  localPath,
  noStore,
  Notice,
  runForm,
  seeOther,
  setSessionCookie,
} from './page-kit.tsx';
import { SESSION_COOKIE } from './sessions.service.ts';

const MFA_COOKIE = 'cc_mfa';
const page = { config: { page: true }, schema: { hide: true } } as const;

type Values = Record<string, string>;

function SignUpPage(props: { values: Values; errors: FormErrors }): VNode {
  const { t, href } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.signUp.title')}</h1>
      <p>{t('accounts.signUp.intro')}</p>
      <ErrorSummary errors={props.errors} />
      <PostForm action="/sign-up">
        <TextField
          name="displayName"
          label={t('accounts.field.displayName')}
          hint={t('accounts.field.displayNameHint')}
          value={props.values.displayName}
          errors={props.errors}
          maxLength={NAME_MAX}
          autocomplete="name"
          required
        />
        <TextField
          name="email"
          type="email"
          label={t('accounts.field.email')}
          value={props.values.email}
          errors={props.errors}
          maxLength={EMAIL_MAX}
          autocomplete="email"
          required
        />
        <TextField
          name="password"
          type="password"
          label={t('accounts.field.newPassword')}
          hint={t('accounts.field.passwordHint')}
          errors={props.errors}
          maxLength={PASSWORD_MAX}
          autocomplete="new-password"
          required
        />
        <button type="submit">{t('accounts.signUp.submit')}</button>
      </PostForm>
      <p>
        {t('accounts.signUp.haveAccount')}{' '}
        <a href={href('/sign-in')}>{t('accounts.signIn.title')}</a>
      </p>
    </section>
  );
}

function MessagePage(props: {
  title: string;
  body: string;
  link?: { href: string; label: string };
}): VNode {
  const { href } = useView();
  return (
    <section class="narrow">
      <h1>{props.title}</h1>
      <p>{props.body}</p>
      {props.link ? (
        <p>
          <a href={href(props.link.href)}>{props.link.label}</a>
        </p>
      ) : null}
    </section>
  );
}

function SignInPage(props: { values: Values; errors: FormErrors; done?: string }): VNode {
  const { t, href } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.signIn.title')}</h1>
      <Notice
        done={props.done}
        allowed={[
          'verified',
          'reset',
          'signedOut',
          'emailChanged',
          'deleted',
          'signedOutEverywhere',
        ]}
      />
      <ErrorSummary errors={props.errors} />
      <PostForm action="/sign-in">
        {props.values.next ? <input type="hidden" name="next" value={props.values.next} /> : null}
        <TextField
          name="email"
          type="email"
          label={t('accounts.field.email')}
          value={props.values.email}
          errors={props.errors}
          maxLength={EMAIL_MAX}
          autocomplete="username"
          required
        />
        <TextField
          name="password"
          type="password"
          label={t('accounts.field.password')}
          errors={props.errors}
          maxLength={PASSWORD_MAX}
          autocomplete="current-password"
          required
        />
        <button type="submit">{t('accounts.signIn.submit')}</button>
      </PostForm>
      <ul class="links">
        <li>
          <a href={href('/password-reset')}>{t('accounts.signIn.forgot')}</a>
        </li>
        <li>
          <a href={href('/verify-email/resend')}>{t('accounts.signIn.resend')}</a>
        </li>
        <li>
          {t('accounts.signIn.noAccount')}{' '}
          <a href={href('/sign-up')}>{t('accounts.signUp.title')}</a>
        </li>
      </ul>
    </section>
  );
}

function SignInCodePage(props: { errors: FormErrors }): VNode {
  const { t } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.signInCode.title')}</h1>
      <p>{t('accounts.signInCode.intro')}</p>
      <ErrorSummary errors={props.errors} />
      <PostForm action="/sign-in/code">
        <TextField
          name="code"
          label={t('accounts.field.code')}
          hint={t('accounts.signInCode.hint')}
          errors={props.errors}
          maxLength={40}
          autocomplete="one-time-code"
          inputMode="text"
          required
        />
        <button type="submit">{t('accounts.signInCode.submit')}</button>
      </PostForm>
    </section>
  );
}

function EmailOnlyPage(props: {
  title: string;
  intro: string;
  action: string;
  submit: string;
  values: Values;
  errors: FormErrors;
}): VNode {
  const { t } = useView();
  return (
    <section class="narrow">
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      <ErrorSummary errors={props.errors} />
      <PostForm action={props.action}>
        <TextField
          name="email"
          type="email"
          label={t('accounts.field.email')}
          value={props.values.email}
          errors={props.errors}
          maxLength={EMAIL_MAX}
          autocomplete="email"
          required
        />
        <button type="submit">{props.submit}</button>
      </PostForm>
    </section>
  );
}

function ConfirmLinkPage(props: {
  title: string;
  intro: string;
  action: string;
  token: string;
  submit: string;
}): VNode {
  return (
    <section class="narrow">
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      <PostForm action={props.action}>
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{props.submit}</button>
      </PostForm>
    </section>
  );
}

function NewPasswordPage(props: { token: string; errors: FormErrors }): VNode {
  const { t } = useView();
  return (
    <section class="narrow">
      <h1>{t('accounts.reset.newTitle')}</h1>
      <ErrorSummary errors={props.errors} />
      <PostForm action="/password-reset/new">
        <input type="hidden" name="token" value={props.token} />
        <TextField
          name="password"
          type="password"
          label={t('accounts.field.newPassword')}
          hint={t('accounts.field.passwordHint')}
          errors={props.errors}
          maxLength={PASSWORD_MAX}
          autocomplete="new-password"
          required
        />
        <button type="submit">{t('accounts.reset.save')}</button>
      </PostForm>
    </section>
  );
}

function errs(errors: readonly FieldError[]): FormErrors {
  return errorsByField(errors);
}

/** Sign up, verify, sign in (with the code step), sign out, reset a forgotten password. */
export async function authPages(app: FastifyInstance): Promise<void> {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  // --- Sign up
  app.get('/sign-up', page, async (request, reply) =>
    sendPage(
      request,
      reply,
      { title: request.t('accounts.signUp.title') },
      <SignUpPage values={{}} errors={{}} />,
    ),
  );
  app.post('/sign-up', page, async (request, reply) => {
    const result = await runForm(SignUpForm, request.body, (input) =>
      auth.signUp(request.ctx, { ...input, locale: request.locale }),
    );
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.signUp.title'), status: result.status },
        <SignUpPage values={formValues(request.body, ['password'])} errors={errs(result.errors)} />,
      );
    }
    return seeOther(request, reply, '/sign-up/sent');
  });
  app.get('/sign-up/sent', page, async (request, reply) =>
    sendPage(
      request,
      reply,
      { title: request.t('accounts.signUp.sentTitle') },
      <MessagePage
        title={request.t('accounts.signUp.sentTitle')}
        body={request.t('accounts.signUp.sentBody')}
      />,
    ),
  );

  // --- Email verification (the link shows a button: mail scanners that open links change nothing)
  app.get(
    '/verify-email',
    { ...page, schema: { hide: true, querystring: TokenQuery } },
    async (request, reply) => {
      const { token } = request.query as { token: string };
      if (!(await auth.linkIsValid(request.ctx, 'verify-email', token))) {
        return sendPage(
          request,
          reply,
          { title: request.t('accounts.link.goneTitle'), status: 410 },
          <MessagePage
            title={request.t('accounts.link.goneTitle')}
            body={request.t('accounts.link.goneVerify')}
            link={{ href: '/verify-email/resend', label: request.t('accounts.signIn.resend') }}
          />,
        );
      }
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.verify.title') },
        <ConfirmLinkPage
          title={request.t('accounts.verify.title')}
          intro={request.t('accounts.verify.intro')}
          action="/verify-email"
          token={token}
          submit={request.t('accounts.verify.submit')}
        />,
      );
    },
  );
  app.post('/verify-email', page, async (request, reply) => {
    const result = await runForm(TokenForm, request.body, (input) =>
      auth.verifyEmail(request.ctx, input.token),
    );
    if (!result.ok) throw new AppError('gone', request.t('accounts.link.goneVerify'));
    return seeOther(request, reply, '/sign-in?done=verified');
  });
  app.get('/verify-email/resend', page, async (request, reply) =>
    sendPage(
      request,
      reply,
      { title: request.t('accounts.resend.title') },
      <EmailOnlyPage
        title={request.t('accounts.resend.title')}
        intro={request.t('accounts.resend.intro')}
        action="/verify-email/resend"
        submit={request.t('accounts.resend.submit')}
        values={{}}
        errors={{}}
      />,
    ),
  );
  app.post('/verify-email/resend', page, async (request, reply) => {
    const result = await runForm(EmailForm, request.body, (input) =>
      auth.resendVerification(request.ctx, input.email),
    );
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.resend.title'), status: result.status },
        <EmailOnlyPage
          title={request.t('accounts.resend.title')}
          intro={request.t('accounts.resend.intro')}
          action="/verify-email/resend"
          submit={request.t('accounts.resend.submit')}
          values={formValues(request.body)}
          errors={errs(result.errors)}
        />,
      );
    }
    return seeOther(request, reply, '/sign-up/sent');
  });

  // --- Sign in
  app.get(
    '/sign-in',
    { ...page, schema: { hide: true, querystring: NextQuery } },
    async (request, reply) => {
      const query = request.query as { next?: string; done?: string };
      if (request.actor.userId && request.actor.via === 'session' && !query.done) {
        return reply.redirect(localPath(request, safeNext(query.next) ?? '/account'), 303);
      }
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.signIn.title') },
        <SignInPage values={{ next: safeNext(query.next) ?? '' }} errors={{}} done={query.done} />,
      );
    },
  );
  app.post('/sign-in', page, async (request, reply) => {
    const previousToken = request.cookies[SESSION_COOKIE];
    const result = await runForm(SignInForm, request.body, (input) =>
      auth.signIn(request.ctx, input, {
        userAgent: request.headers['user-agent'] ?? null,
        previousToken,
      }),
    );
    if (!result.ok) {
      const values = formValues(request.body, ['password']);
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.signIn.title'), status: result.status },
        <SignInPage
          values={{ ...values, next: safeNext(values.next) ?? '' }}
          errors={errs(result.errors)}
        />,
      );
    }
    const next = safeNext((request.body as { next?: string }).next);
    if (result.value.kind === 'mfa') {
      void reply.setCookie(MFA_COOKIE, result.value.challenge, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.server.deps.config.secureCookies,
        maxAge: 5 * 60,
      });
      if (next) {
        void reply.setCookie('cc_next', next, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          maxAge: 5 * 60,
          signed: true,
        });
      }
      return seeOther(request, reply, '/sign-in/code');
    }
    setSessionCookie(request, reply, result.value.token);
    if (result.value.needsMfaSetup)
      return seeOther(request, reply, '/account/mfa?done=mfaRequired');
    return seeOther(request, reply, next ?? '/account');
  });

  app.get('/sign-in/code', page, async (request, reply) => {
    if (!(await auth.challengeIsOpen(request.ctx, request.cookies[MFA_COOKIE]))) {
      return seeOther(request, reply, '/sign-in');
    }
    return sendPage(
      request,
      reply,
      { title: request.t('accounts.signInCode.title') },
      <SignInCodePage errors={{}} />,
    );
  });
  app.post('/sign-in/code', page, async (request, reply) => {
    const challenge = request.cookies[MFA_COOKIE];
    let result;
    try {
      result = await runForm(SignInCodeForm, request.body, (input) =>
        auth.completeMfaSignIn(request.ctx, challenge, input.code, {
          userAgent: request.headers['user-agent'] ?? null,
          previousToken: request.cookies[SESSION_COOKIE],
        }),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'gone') {
        void reply.clearCookie(MFA_COOKIE, { path: '/' });
      }
      throw error;
    }
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.signInCode.title'), status: result.status },
        <SignInCodePage errors={errs(result.errors)} />,
      );
    }
    void reply.clearCookie(MFA_COOKIE, { path: '/' });
    setSessionCookie(request, reply, result.value.token);
    const signedNext = request.cookies.cc_next
      ? request.unsignCookie(request.cookies.cc_next)
      : null;
    void reply.clearCookie('cc_next', { path: '/' });
    const next = signedNext?.valid ? safeNext(signedNext.value) : null;
    if (result.value.usedRecoveryCode)
      return seeOther(request, reply, '/account/mfa?done=recoveryUsed');
    return seeOther(request, reply, next ?? '/account');
  });

  // --- Sign out (the layout's button posts here)
  app.post('/sign-out', page, async (request, reply) => {
    await signOut(request.ctx, request.cookies[SESSION_COOKIE]);
    clearSessionCookie(reply);
    return seeOther(request, reply, '/sign-in?done=signedOut');
  });

  // --- Forgotten password
  app.get(
    '/password-reset',
    { ...page, schema: { hide: true, querystring: NoticeQuery } },
    async (request, reply) =>
      sendPage(
        request,
        reply,
        { title: request.t('accounts.reset.title') },
        <EmailOnlyPage
          title={request.t('accounts.reset.title')}
          intro={request.t('accounts.reset.intro')}
          action="/password-reset"
          submit={request.t('accounts.reset.submit')}
          values={{}}
          errors={{}}
        />,
      ),
  );
  app.post('/password-reset', page, async (request, reply) => {
    const result = await runForm(EmailForm, request.body, (input) =>
      auth.requestPasswordReset(request.ctx, input.email),
    );
    if (!result.ok) {
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.reset.title'), status: result.status },
        <EmailOnlyPage
          title={request.t('accounts.reset.title')}
          intro={request.t('accounts.reset.intro')}
          action="/password-reset"
          submit={request.t('accounts.reset.submit')}
          values={formValues(request.body)}
          errors={errs(result.errors)}
        />,
      );
    }
    return seeOther(request, reply, '/password-reset/sent');
  });
  app.get('/password-reset/sent', page, async (request, reply) =>
    sendPage(
      request,
      reply,
      { title: request.t('accounts.reset.sentTitle') },
      <MessagePage
        title={request.t('accounts.reset.sentTitle')}
        body={request.t('accounts.reset.sentBody')}
      />,
    ),
  );
  app.get(
    '/password-reset/new',
    { ...page, schema: { hide: true, querystring: TokenQuery } },
    async (request, reply) => {
      const { token } = request.query as { token: string };
      if (!(await auth.linkIsValid(request.ctx, 'reset-password', token))) {
        return sendPage(
          request,
          reply,
          { title: request.t('accounts.link.goneTitle'), status: 410 },
          <MessagePage
            title={request.t('accounts.link.goneTitle')}
            body={request.t('accounts.link.goneReset')}
            link={{ href: '/password-reset', label: request.t('accounts.reset.title') }}
          />,
        );
      }
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.reset.newTitle') },
        <NewPasswordPage token={token} errors={{}} />,
      );
    },
  );
  app.post('/password-reset/new', page, async (request, reply) => {
    const result = await runForm(NewPasswordForm, request.body, (input) =>
      auth.resetPassword(request.ctx, input.token, input.password),
    );
    if (!result.ok) {
      const token = formValues(request.body).token ?? '';
      return sendPage(
        request,
        reply,
        { title: request.t('accounts.reset.newTitle'), status: result.status },
        <NewPasswordPage token={token} errors={errs(result.errors)} />,
      );
    }
    clearSessionCookie(reply);
    return seeOther(request, reply, '/sign-in?done=reset');
  });
}

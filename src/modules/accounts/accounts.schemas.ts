import { Type } from 'typebox';
import { Body, Query } from '../../platform/http/schemas.ts';
import { EMAIL_MAX, NAME_MAX, PASSWORD_MAX } from './accounts.ts';

/**
 * Request shapes. Forms arrive as strings; lengths here are the outer bounds (the services check
 * the finer rules and say what is wrong, field by field).
 */
/** No control characters (a NUL byte cannot even be stored); tabs and line breaks are fine. */
const PLAIN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$';
const text = (maxLength: number) => Type.String({ maxLength, pattern: PLAIN });
const optional = (maxLength: number) => Type.Optional(text(maxLength));

export const Email = text(EMAIL_MAX);
export const Password = text(PASSWORD_MAX);
const Token = text(200);
const Next = optional(500);

export const SignUpForm = Body({ displayName: text(NAME_MAX), email: Email, password: Password });
export const SignInForm = Body({ email: Email, password: Password, next: Next });
export const SignInCodeForm = Body({ code: text(40) });
export const TokenForm = Body({ token: Token });
export const EmailForm = Body({ email: Email });
export const NewPasswordForm = Body({ token: Token, password: Password });
export const ProfileForm = Body({ displayName: text(NAME_MAX), locale: text(5) });
export const EmailChangeForm = Body({ newEmail: Email, emailPassword: Password });
export const PasswordChangeForm = Body({ currentPassword: Password, newPassword: Password });
export const MfaEnableForm = Body({ code: text(20) });
export const MfaDisableForm = Body({ disablePassword: Password, disableCode: text(40) });
export const RecoveryCodesForm = Body({ codesPassword: Password });
export const SessionEndForm = Body({ session: text(64) });
export const EmptyForm = Body({});
export const ApiTokenForm = Body({
  tokenName: text(NAME_MAX),
  scopes: Type.Optional(Type.Array(text(20), { maxItems: 5 })),
  expiresInDays: text(4),
});
export const JoinForm = Body({ organisation: text(200), message: optional(1000) });
export const MembersJoinForm = Body({ message: optional(1000) });
export const DecisionForm = Body({ decision: text(10) });
export const DeleteAccountForm = Body({ deletePassword: Password, confirm: optional(5) });
export const GrantForm = Body({ role: text(40), scopeType: text(20), scopeRef: optional(200) });

export const NoticeQuery = Query({ done: optional(40) });
export const NextQuery = Query({ next: Next, done: optional(40) });
export const TokenQuery = Query({ token: Token });
export const AuditQuerySchema = Query({
  entityType: optional(100),
  entityId: optional(200),
  action: optional(100),
  actor: optional(EMAIL_MAX),
  from: optional(10),
  to: optional(10),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
});
export const OutboxQuery = Query({
  to: optional(EMAIL_MAX),
  status: Type.Optional(
    Type.Union([
      Type.Literal(''),
      Type.Literal('pending'),
      Type.Literal('sent'),
      Type.Literal('kept'),
      Type.Literal('failed'),
    ]),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
});
export const UsersQuery = Query({
  q: optional(200),
  role: optional(40),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  done: optional(40),
});

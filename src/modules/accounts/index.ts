import type { ModuleDefinition } from '../../platform/module.ts';
import { accountsHooks } from './accounts.hooks.ts';
import { accountsRoutes } from './accounts.routes.ts';
import { accountsPages } from './accounts.pages.tsx';
import { seedDemoAccountLinks, seedDemoAccounts } from './demo.ts';
import { accountsPersonalData, eraseAccountsPersonalData } from './personal-data.service.ts';
import { purgeExpiredSessions } from './sessions.service.ts';
import { purgeExpiredTokens } from './auth.service.ts';
import { purgeExpiredRateLimits } from './rate-limit.service.ts';

export {
  can,
  rolesIn,
  requiresMfa,
  mfaPending,
  scopeCovers,
  ROLES,
  PERMISSIONS,
  MFA_REQUIRED_ROLES,
  TOKEN_SCOPES,
  SITE,
  type Role,
  type Permission,
  type Scope,
  type TokenScope,
} from './permissions.ts';
export {
  authorize,
  isAllowed,
  requireUser,
  actorFor,
  createUser,
  grantRole,
  grantRoleByReference,
  revokeGrant,
  findUserByEmail,
  usersWithRole,
  hashPassword,
  countActiveUsers,
  type NewUser,
} from './accounts.service.ts';
export {
  startSession,
  resolveSession,
  endSession,
  endAllSessions,
  SESSION_COOKIE,
  IDLE_TIMEOUT_MS,
  ABSOLUTE_TIMEOUT_MS,
} from './sessions.service.ts';
export { checkRateLimit, type RateLimit, type RateLimitState } from './rate-limit.service.ts';
export { publicHistory, type PublicHistoryEntry } from './audit.service.ts';
export { PublicHistory } from './public-history.tsx';
export { organisationsOfUser } from './memberships.service.ts';
export { DEMO_PASSWORD, DEMO_ACCOUNTS } from './demo.ts';

export const accountsModule: ModuleDefinition = {
  name: 'accounts',
  globalHooks: accountsHooks,
  routes: async (app) => {
    await app.register(accountsRoutes);
    await app.register(accountsPages);
  },
  seedDemo: seedDemoAccounts,
  seedDemoLinks: seedDemoAccountLinks,
  personalData: accountsPersonalData,
  erasePersonalData: eraseAccountsPersonalData,
  jobs: {
    /** Housekeeping: expired sessions, links and rate-limit windows. */
    'accounts.cleanup': async (ctx) => {
      await purgeExpiredSessions(ctx);
      await purgeExpiredTokens(ctx);
      await purgeExpiredRateLimits(ctx);
    },
  },
};

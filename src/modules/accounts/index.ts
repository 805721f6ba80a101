import type { ModuleDefinition } from '../../platform/module.ts';
import { accountsHooks } from './accounts.hooks.ts';

export {
  can,
  rolesIn,
  ROLES,
  PERMISSIONS,
  SITE,
  type Role,
  type Permission,
  type Scope,
} from './permissions.ts';
export {
  authorize,
  isAllowed,
  actorFor,
  createUser,
  grantRole,
  findUserByEmail,
  usersWithRole,
  hashPassword,
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

export const accountsModule: ModuleDefinition = {
  name: 'accounts',
  globalHooks: accountsHooks,
};

import type { ModuleDefinition } from '../../platform/module.ts';

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

export const accountsModule: ModuleDefinition = {
  name: 'accounts',
};

/**
 * The whole database as Kysely sees it: the platform's tables plus each domain module's own.
 * A module adds its table interface here and nowhere else.
 */
import type { PlatformTables } from '../platform/platform.table.ts';
import type { ReferenceTables } from '../modules/reference/reference.table.ts';
import type { AccountsTables } from '../modules/accounts/accounts.table.ts';
import type { OrganisationsTables } from '../modules/organisations/organisations.table.ts';
import type { LiveTables } from '../modules/live/live.table.ts';

export interface Database
  extends PlatformTables, ReferenceTables, AccountsTables, OrganisationsTables, LiveTables {}

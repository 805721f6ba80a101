/**
 * The whole database as Kysely sees it: the platform's tables plus each domain module's own.
 * A module adds its table interface here and nowhere else.
 */
import type { PlatformTables } from '../platform/platform.table.ts';
import type { JobsTables } from '../platform/jobs.table.ts';
import type { ReferenceTables } from '../modules/reference/reference.table.ts';
import type { AccountsTables } from '../modules/accounts/accounts.table.ts';
import type { OrganisationsTables } from '../modules/organisations/organisations.table.ts';
import type { EventsTables } from '../modules/events/events.table.ts';
import type { AwarenessTables } from '../modules/awareness/awareness.table.ts';
import type { InitiativesTables } from '../modules/initiatives/initiatives.table.ts';
import type { ProcessesTables } from '../modules/processes/processes.table.ts';
import type { CountriesTables } from '../modules/countries/countries.table.ts';
import type { ExpertsTables } from '../modules/experts/experts.table.ts';
import type { DiscussionsTables } from '../modules/discussions/discussions.table.ts';
import type { CatalogueTables } from '../modules/catalogue/catalogue.table.ts';
import type { LiveTables } from '../modules/live/live.table.ts';

// One line per module, so that each adds its own line (the last line closes the list).
// prettier-ignore
export type Database =
  & PlatformTables
  & JobsTables
  & ReferenceTables
  & AccountsTables
  & OrganisationsTables
  & EventsTables
  & AwarenessTables
  & InitiativesTables
  & ProcessesTables
  & CountriesTables
  & ExpertsTables
  & DiscussionsTables
  & CatalogueTables
  & LiveTables
  & Record<never, never>;

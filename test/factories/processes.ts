import { newId } from '../../src/platform/ids.ts';
import type { TestEnv } from '../helpers/app.ts';
import { createTestUser, type TestUser } from '../helpers/auth.ts';
import {
  addMeeting,
  createProcess,
  getProcess,
  setDelegation,
  type Process,
} from '../../src/modules/processes/index.ts';

let counter = 0;

/** An organisation row, written directly (the organisations module has no create service yet). */
export async function createOrganisation(
  env: TestEnv,
  over: {
    name?: string;
    stakeholderGroup?: string;
    country?: string | null;
    ecosocStatus?: boolean;
  } = {},
) {
  counter++;
  const id = newId();
  const slug = `test-org-${counter}-${id.slice(-6)}`;
  await env.deps.db
    .insertInto('organisations')
    .values({
      id,
      slug,
      name: over.name ?? `Test Organisation ${counter}`,
      stakeholder_group: over.stakeholderGroup ?? 'civil-society',
      kind: 'ngo',
      country: over.country === undefined ? 'KE' : over.country,
      ecosoc_status: over.ecosocStatus ?? false,
    })
    .execute();
  return { id, slug, name: over.name ?? `Test Organisation ${counter}` };
}

export interface ProcessOptions {
  modality?: 'open' | 'non-objection' | 'ecosoc-only' | 'closed';
  ecosocExempt?: boolean;
  objectionPeriodDays?: number;
  timeZone?: string;
  disclosure?: { objector: 'public' | 'secretariat' | 'withheld'; reasonsPublic: boolean };
  meetings?: Array<{ title: string; startsOn: string; endsOn: string }>;
  name?: string;
}

/** A process with meetings, created through the service as its secretariat would. */
export async function createTestProcess(
  env: TestEnv,
  options: ProcessOptions = {},
): Promise<Process> {
  counter++;
  const name = options.name ?? `Test Process ${counter}`;
  const process = await createProcess(env.ctx(), {
    slug: `test-process-${counter}-${newId().slice(-6)}`,
    name,
    kind: 'un-working-group',
    description: `${name}: a process created for tests.`,
    modality: options.modality ?? 'non-objection',
    ecosocExempt: options.ecosocExempt ?? false,
    objectionPeriodDays: options.objectionPeriodDays ?? 10,
    timeZone: options.timeZone ?? 'America/New_York',
    disclosure: options.disclosure ?? { objector: 'secretariat', reasonsPublic: false },
  });
  for (const m of options.meetings ?? [
    { title: 'First session', startsOn: '2027-03-01', endsOn: '2027-03-05' },
    { title: 'Second session', startsOn: '2027-07-05', endsOn: '2027-07-09' },
  ])
    await addMeeting(env.ctx(), process.id, m);
  return getProcess(env.ctx(), process.id);
}

/** A representative of `organisationId` (role organisation-rep scoped to it). */
export function representative(
  env: TestEnv,
  organisationId: string,
  name?: string,
): Promise<TestUser> {
  return createTestUser(
    env,
    [{ role: 'organisation-rep', scopeType: 'organisation', scopeId: organisationId }],
    name,
  );
}

/** A focal point of `processId` speaking for `country`. */
export async function focalPoint(
  env: TestEnv,
  processId: string,
  country: string,
  name?: string,
): Promise<TestUser> {
  const user = await createTestUser(env, [], name);
  await setDelegation(env.ctx(), processId, { email: user.email, country });
  const { actorFor } = await import('../../src/modules/accounts/index.ts');
  return { ...user, actor: await actorFor(env.ctx(), user.id) };
}

export function applicationInput(
  organisationId: string,
  meetingId: string,
  over: Record<string, unknown> = {},
) {
  return {
    organisationId,
    meetingId,
    statement: 'We bring ten years of work on incident response in the region.',
    ecosocStatus: false,
    expertise: ['incident-management'],
    contactName: 'Test Contact',
    contactEmail: 'contact@example.org',
    ...over,
  };
}

export function meetingId(process: Process, title: string): string {
  const found = process.meetings.find((m) => m.title === title);
  if (!found) throw new Error(`no meeting ${title}`);
  return found.id;
}

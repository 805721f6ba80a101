import { Type } from 'typebox';
import type { Db } from '../../db/database.ts';
import type { ServiceContext } from '../../platform/context.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import { authorize, checkRateLimit, usersWithRole } from '../accounts/index.ts';
import { getOrganisationById, organisationsById } from '../organisations/index.ts';
import { countryMap, isTerm } from '../reference/index.ts';
import * as repo from './accreditation.repository.ts';
import * as processRepo from './processes.repository.ts';
import * as mail from './processes.mail.ts';
import { audienceFor, getProcess } from './processes.service.ts';
import {
  PUBLIC_AUDIENCE,
  decideOutcome,
  periodOpen,
  reapplicationBlock,
  SUBMISSION_LIMITS,
  visibleObjections,
  type Audience,
  type Basis,
  type DisclosurePolicy,
  type Outcome,
  type Process,
  type VisibleObjections,
} from './processes.ts';
import { inclusionStatistics, type InclusionStatistics } from './register.ts';
import { periodEnd, startOfDay } from './zoned-time.ts';

// ---------------------------------------------------------------------------------------------
// What the outside sees of an application

export interface PublicApplication {
  id: string;
  organisation: {
    id: string | null;
    slug: string | null;
    name: string;
    stakeholderGroup: string;
    country: string | null;
    region: string;
    ecosocStatus: boolean;
  };
  meeting: { id: string; title: string; startsOn: string };
  statement: string;
  expertise: string[];
  submittedAt: Date;
  objectionDeadline: Date;
  decidedAt: Date | null;
  outcome: Outcome;
  basis: Basis;
  objections: { count: number; states: string[] | null; reasons: string[] | null };
  isDemo: boolean;
}

/** The review list adds what the viewer's role allows: contacts for the secretariat, own objection. */
export interface ReviewApplication extends PublicApplication {
  contacts: { name: string; email: string; phone: string | null } | null;
  ownObjection: { reason: string | null } | null;
  canObject: boolean;
  canWithdraw: boolean;
}

type ApplicationWithMeeting = repo.ApplicationRow & {
  meeting_title: string;
  meeting_starts_on: string;
};

function policyOf(process: Process): DisclosurePolicy {
  return process.disclosure;
}

function facts(objections: repo.ObjectionRow[] | undefined) {
  return (objections ?? []).map((o) => ({
    country: o.country,
    reason: o.reason,
    withdrawn: o.withdrawn_at !== null,
  }));
}

function toPublic(
  row: ApplicationWithMeeting,
  visible: VisibleObjections,
  regionOf: (country: string | null) => string,
): PublicApplication {
  return {
    id: row.id,
    organisation: {
      id: row.organisation_id,
      slug: row.organisation_slug,
      name: row.organisation_name,
      stakeholderGroup: row.stakeholder_group,
      country: row.country,
      region: regionOf(row.country),
      ecosocStatus: row.ecosoc_status,
    },
    meeting: { id: row.meeting_id, title: row.meeting_title, startsOn: row.meeting_starts_on },
    statement: row.statement,
    expertise: row.expertise,
    submittedAt: new Date(row.submitted_at),
    objectionDeadline: new Date(row.objection_deadline),
    decidedAt: row.decided_at ? new Date(row.decided_at) : null,
    outcome: row.status as Outcome,
    basis: row.basis as Basis,
    objections: { count: visible.count, states: visible.states, reasons: visible.reasons },
    isDemo: row.is_demo,
  };
}

async function regionResolver(ctx: Pick<ServiceContext, 'readDb'>) {
  const map = await countryMap(ctx);
  return (country: string | null) => (country ? map.get(country)?.unGroup : null) ?? 'none';
}

function mailProcess(process: Process): mail.MailProcess {
  return { slug: process.slug, name: process.name, timeZone: process.timeZone };
}

function mailApplication(row: repo.ApplicationRow, meetingTitle: string): mail.MailApplication {
  return {
    id: row.id,
    organisationName: row.organisation_name,
    meetingTitle,
    deadline: new Date(row.objection_deadline),
  };
}

async function focalPointsOf(db: Db, processId: string) {
  return usersWithRole({ db }, 'focal-point', { type: 'process', id: processId });
}

// ---------------------------------------------------------------------------------------------
// Applying

export const ApplicationInput = Type.Object(
  {
    organisationId: Type.String({ format: 'uuid' }),
    meetingId: Type.String({ format: 'uuid' }),
    statement: Type.String({ minLength: 20, maxLength: 5000 }),
    ecosocStatus: Type.Boolean(),
    expertise: Type.Array(Type.String({ maxLength: 60 }), { minItems: 1, maxItems: 10 }),
    contactName: Type.String({ minLength: 2, maxLength: 120 }),
    contactEmail: Type.String({ format: 'email', maxLength: 254 }),
    contactPhone: Type.Optional(
      Type.Union([Type.String({ pattern: '^[+0-9 ().-]{5,40}$' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);

function conflict(message: string, path = '/meetingId'): AppError {
  return new AppError('conflict', message, [{ path, message }]);
}

/**
 * An organisation's representative asks to take part. Depending on the process: refused outright
 * (open or closed processes need no accreditation), accredited at once on its ECOSOC status, or
 * put to the member states for the non-objection period.
 */
export async function applyForAccreditation(
  ctx: ServiceContext,
  processIdOrSlug: string,
  input: unknown,
): Promise<PublicApplication> {
  const process = await getProcess(ctx, processIdOrSlug);
  if (process.modality === 'open')
    throw new AppError(
      'conflict',
      'This process is open to all stakeholders: no accreditation is needed.',
    );
  if (process.modality === 'closed')
    throw new AppError('conflict', 'This process is closed to non-governmental stakeholders.');
  const data = parseOrThrow(ApplicationInput, input);
  authorize(ctx, 'process.apply', { type: 'organisation', id: data.organisationId });

  const errors = [];
  const expertise = [...new Set(data.expertise)];
  if (expertise.some((e) => !isTerm('theme', e)))
    errors.push({ path: '/expertise', message: 'Choose among the listed themes.' });
  const organisation = await getOrganisationById(ctx, data.organisationId);
  if (!organisation)
    errors.push({ path: '/organisationId', message: 'This organisation is not registered.' });
  else if (organisation.stakeholderGroup === 'government')
    errors.push({
      path: '/organisationId',
      message: 'Governments take part as member states, not through accreditation.',
    });
  const meeting = process.meetings.find((m) => m.id === data.meetingId);
  const now = ctx.clock.now();
  const meetingStart = meeting ? startOfDay(meeting.startsOn, process.timeZone) : null;
  if (!meeting || !meetingStart)
    errors.push({ path: '/meetingId', message: 'Choose a session of this process.' });
  else if (now.getTime() >= meetingStart.getTime())
    errors.push({ path: '/meetingId', message: 'This session has already begun.' });
  if (errors.length || !organisation || !meeting || !meetingStart)
    throw AppError.validation(errors);

  const byStatus = organisation.ecosocStatus && data.ecosocStatus;
  let basis: Basis = 'non-objection';
  if (process.modality === 'ecosoc-only') {
    if (!byStatus)
      throw AppError.validation([
        {
          path: '/ecosocStatus',
          message:
            'Only organisations in consultative status with ECOSOC take part in this process, and none is recorded for this organisation.',
        },
      ]);
    basis = 'ecosoc';
  } else if (process.ecosocExempt && byStatus) {
    basis = 'ecosoc';
  }
  const deadline =
    basis === 'ecosoc' ? now : periodEnd(now, process.objectionPeriodDays, process.timeZone);
  if (deadline.getTime() > meetingStart.getTime())
    throw AppError.validation([
      {
        path: '/meetingId',
        message: `The non-objection period (${process.objectionPeriodDays} days) would end after this session begins. Choose a later session.`,
      },
    ]);

  await checkRateLimit(ctx, {
    key: `processes:apply:user:${ctx.actor.userId}`,
    ...SUBMISSION_LIMITS.applications,
  });
  const row = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const prior = await repo.applicationsOfOrganisation(trx, process.id, organisation.id);
      const block = reapplicationBlock(
        prior.map((p) => ({
          status: p.status as Outcome,
          meetingId: p.meeting_id,
          meetingStartsOn: p.meeting_starts_on,
        })),
        meeting,
      );
      if (block?.kind === 'accredited')
        throw conflict('This organisation is already accredited to this process.');
      if (block?.kind === 'pending')
        throw conflict('An application of this organisation is still awaiting its decision.');
      if (block?.kind === 'same-meeting')
        throw conflict('This organisation has already applied for this session.');
      if (block?.kind === 'not-later')
        throw conflict(
          `This organisation was not accredited for the session starting ${block.refusedFor}; it may apply again for a later session.`,
        );
      const inserted = await repo.insertApplication(trx, {
        id: newId(),
        process_id: process.id,
        meeting_id: meeting.id,
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        organisation_slug: organisation.slug,
        stakeholder_group: organisation.stakeholderGroup,
        country: organisation.country,
        ecosoc_status: data.ecosocStatus,
        statement: data.statement.trim(),
        expertise,
        contact_name: data.contactName.trim(),
        contact_email: data.contactEmail.trim(),
        contact_phone: data.contactPhone?.trim() || null,
        contact_locale: ctx.locale,
        applicant_user_id: ctx.actor.userId,
        status: basis === 'ecosoc' ? 'accredited' : 'pending',
        basis,
        submitted_at: now,
        objection_deadline: deadline,
        decided_at: basis === 'ecosoc' ? now : null,
        objections_at_decision: basis === 'ecosoc' ? 0 : null,
      });
      await recordAudit(trx, ctx, {
        action: basis === 'ecosoc' ? 'accreditation.accredit-by-status' : 'accreditation.apply',
        entityType: 'accreditation_application',
        entityId: inserted.id,
        after: {
          process: process.id,
          organisation: organisation.id,
          meeting: meeting.id,
          status: inserted.status,
          deadline: deadline.toISOString(),
        },
        isPublic: true,
      });
      const mailApp = mailApplication(inserted, meeting.title);
      const base = ctx.config.baseUrl;
      if (basis === 'ecosoc') {
        await ctx.mailer.queue(
          trx,
          mail.accreditedByStatusToApplicant(
            base,
            inserted.contact_email,
            ctx.locale,
            mailProcess(process),
            mailApp,
          ),
        );
      } else {
        await ctx.mailer.queue(
          trx,
          mail.appliedToApplicant(
            base,
            inserted.contact_email,
            ctx.locale,
            mailProcess(process),
            mailApp,
          ),
        );
        for (const fp of await focalPointsOf(trx, process.id)) {
          await ctx.mailer.queue(
            trx,
            mail.newApplicationToFocalPoint(
              base,
              fp.email,
              fp.locale,
              mailProcess(process),
              mailApp,
            ),
          );
        }
      }
      return inserted;
    })
    .catch((error: unknown) => {
      // Two requests racing past the checks meet the unique indexes: say so plainly.
      if (!isAppError(error) && (error as { code?: string }).code === '23505')
        throw conflict('This organisation already has an open application to this process.');
      throw error;
    });
  await ctx.mailer.deliverPending(ctx.db);
  const regionOf = await regionResolver(ctx);
  return toPublic(
    { ...row, meeting_title: meeting.title, meeting_starts_on: meeting.startsOn },
    visibleObjections(policyOf(process), [], PUBLIC_AUDIENCE),
    regionOf,
  );
}

// ---------------------------------------------------------------------------------------------
// Reviewing and objecting (focal points of member states)

export async function listForReview(
  ctx: ServiceContext,
  processIdOrSlug: string,
  filter: { status?: Outcome } = {},
): Promise<{ process: Process; audience: Audience; items: ReviewApplication[] }> {
  const process = await getProcess(ctx, processIdOrSlug);
  authorize(ctx, 'process.review', { type: 'process', id: process.id });
  const audience = await audienceFor(ctx, process.id);
  const rows = await repo.applicationsOfProcess(ctx.db, process.id, filter);
  const objections = await repo.objectionsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const regionOf = await regionResolver(ctx);
  const now = ctx.clock.now();
  const items = rows
    .map((row): ReviewApplication => {
      const visible = visibleObjections(policyOf(process), facts(objections.get(row.id)), audience);
      const open = row.status === 'pending' && periodOpen(now, new Date(row.objection_deadline));
      return {
        ...toPublic(row, visible, regionOf),
        contacts: audience.secretariat
          ? { name: row.contact_name, email: row.contact_email, phone: row.contact_phone }
          : null,
        ownObjection: visible.own,
        canObject: open && !!audience.delegation && !visible.own,
        canWithdraw: open && !!audience.delegation && !!visible.own,
      };
    })
    .reverse();
  return { process, audience, items };
}

export const ObjectionInput = Type.Object(
  { reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) },
  { additionalProperties: false },
);

async function delegationOrRefuse(ctx: ServiceContext, process: Process): Promise<string> {
  authorize(ctx, 'process.object', { type: 'process', id: process.id });
  const delegation = ctx.actor.userId
    ? await processRepo.delegationOf(ctx.db, process.id, ctx.actor.userId)
    : undefined;
  if (!delegation)
    throw AppError.forbidden(
      'You are not registered as the focal point of a member state for this process.',
    );
  return delegation.country;
}

function periodClosed(process: Process, deadline: Date): AppError {
  return new AppError(
    'conflict',
    `The non-objection period ended on ${mail.formatDeadline(deadline, process.timeZone, 'en')}.`,
  );
}

/** Everything the applicant is emailed goes through the public disclosure rule. */
async function applicantView(trx: Db, process: Process, applicationId: string) {
  const objections = await repo.objectionsOf(trx, [applicationId]);
  return visibleObjections(
    policyOf(process),
    facts(objections.get(applicationId)),
    PUBLIC_AUDIENCE,
  );
}

/** A member state's focal point objects, while the period runs; a reason is optional. */
export async function objectToApplication(
  ctx: ServiceContext,
  processIdOrSlug: string,
  applicationId: string,
  input: unknown,
): Promise<ReviewApplication> {
  const process = await getProcess(ctx, processIdOrSlug);
  const country = await delegationOrRefuse(ctx, process);
  const data = parseOrThrow(ObjectionInput, input ?? {});
  if (!isUuid(applicationId)) throw AppError.notFound('The application');
  await ctx.db.transaction().execute(async (trx) => {
    const app = await repo.lockApplication(trx, process.id, applicationId);
    if (!app) throw AppError.notFound('The application');
    const now = ctx.clock.now();
    if (app.status !== 'pending') throw new AppError('conflict', 'This application was decided.');
    if (!periodOpen(now, new Date(app.objection_deadline)))
      throw periodClosed(process, new Date(app.objection_deadline));
    if (await repo.standingObjection(trx, app.id, country))
      throw new AppError('conflict', 'Your delegation already objects to this application.');
    const objection = await repo.insertObjection(trx, {
      id: newId(),
      application_id: app.id,
      country,
      user_id: ctx.actor.userId,
      reason: data.reason?.trim() || null,
      created_at: now,
    });
    await recordAudit(trx, ctx, {
      action: 'accreditation.object',
      entityType: 'accreditation_application',
      entityId: app.id,
      after: { objection: objection.id, country, withReason: objection.reason !== null },
    });
    const mailApp = mailApplication(app, (await meetingTitle(trx, app)) ?? '');
    const base = ctx.config.baseUrl;
    const me = (await focalPointsOf(trx, process.id)).find((u) => u.id === ctx.actor.userId);
    if (me)
      await ctx.mailer.queue(
        trx,
        mail.objectionRecordedToFocalPoint(
          base,
          me.email,
          me.locale,
          mailProcess(process),
          mailApp,
        ),
      );
    await ctx.mailer.queue(
      trx,
      mail.objectionRaisedToApplicant(
        base,
        app.contact_email,
        app.contact_locale,
        mailProcess(process),
        mailApp,
        await applicantView(trx, process, app.id),
      ),
    );
  });
  await ctx.mailer.deliverPending(ctx.db);
  return reviewItem(ctx, process.id, applicationId);
}

/** The focal point withdraws their state's objection, while the period runs. */
export async function withdrawObjection(
  ctx: ServiceContext,
  processIdOrSlug: string,
  applicationId: string,
): Promise<ReviewApplication> {
  const process = await getProcess(ctx, processIdOrSlug);
  const country = await delegationOrRefuse(ctx, process);
  if (!isUuid(applicationId)) throw AppError.notFound('The application');
  await ctx.db.transaction().execute(async (trx) => {
    const app = await repo.lockApplication(trx, process.id, applicationId);
    if (!app) throw AppError.notFound('The application');
    const now = ctx.clock.now();
    if (app.status !== 'pending') throw new AppError('conflict', 'This application was decided.');
    if (!periodOpen(now, new Date(app.objection_deadline)))
      throw periodClosed(process, new Date(app.objection_deadline));
    const standing = await repo.standingObjection(trx, app.id, country);
    if (!standing) throw AppError.notFound('An objection of your delegation');
    await repo.withdrawObjection(trx, standing.id, now);
    await recordAudit(trx, ctx, {
      action: 'accreditation.withdraw-objection',
      entityType: 'accreditation_application',
      entityId: app.id,
      after: { objection: standing.id, country },
    });
    const mailApp = mailApplication(app, (await meetingTitle(trx, app)) ?? '');
    const base = ctx.config.baseUrl;
    const me = (await focalPointsOf(trx, process.id)).find((u) => u.id === ctx.actor.userId);
    if (me)
      await ctx.mailer.queue(
        trx,
        mail.objectionWithdrawnToFocalPoint(
          base,
          me.email,
          me.locale,
          mailProcess(process),
          mailApp,
        ),
      );
    await ctx.mailer.queue(
      trx,
      mail.objectionWithdrawnToApplicant(
        base,
        app.contact_email,
        app.contact_locale,
        mailProcess(process),
        mailApp,
        await applicantView(trx, process, app.id),
      ),
    );
  });
  await ctx.mailer.deliverPending(ctx.db);
  return reviewItem(ctx, process.id, applicationId);
}

async function meetingTitle(db: Db, app: repo.ApplicationRow) {
  return (await processRepo.findMeeting(db, app.process_id, app.meeting_id))?.title;
}

async function reviewItem(ctx: ServiceContext, processId: string, applicationId: string) {
  const { items } = await listForReview(ctx, processId);
  const item = items.find((i) => i.id === applicationId);
  if (!item) throw AppError.notFound('The application');
  return item;
}

// ---------------------------------------------------------------------------------------------
// Deciding at the end of the period (the job)

export interface DecisionRun {
  decided: number;
  accredited: number;
  refused: number;
  ids: string[];
}

/**
 * Decides every application whose non-objection period has ended: accredited when no objection
 * stands, refused otherwise. Safe to run from several processes at once and to retry: rows are
 * claimed with FOR UPDATE SKIP LOCKED and the decision is written only while still pending, so
 * each application is decided, audited and announced exactly once.
 */
export async function decideDueApplications(
  ctx: ServiceContext,
  options: { batchSize?: number } = {},
): Promise<DecisionRun> {
  authorize(ctx, 'process.manage');
  const batchSize = options.batchSize ?? 50;
  const run: DecisionRun = { decided: 0, accredited: 0, refused: 0, ids: [] };
  for (;;) {
    const claimed = await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.clock.now();
      const due = await repo.claimDueApplications(trx, now, batchSize);
      const processes = new Map<string, Process>();
      for (const app of due) {
        let process = processes.get(app.process_id);
        if (!process) {
          process = await getProcess({ readDb: trx }, app.process_id);
          processes.set(app.process_id, process);
        }
        const objections = await repo.countStandingObjections(trx, app.id);
        const outcome = decideOutcome(objections);
        const decided = await repo.recordDecision(trx, app.id, {
          status: outcome,
          decidedAt: now,
          objections,
        });
        if (!decided) continue;
        run.decided++;
        run[outcome]++;
        run.ids.push(app.id);
        await recordAudit(trx, ctx, {
          action: 'accreditation.decide',
          entityType: 'accreditation_application',
          entityId: app.id,
          after: { outcome, objections, decidedAt: now.toISOString() },
          isPublic: true,
        });
        const mailApp = mailApplication(app, (await meetingTitle(trx, app)) ?? '');
        const base = ctx.config.baseUrl;
        await ctx.mailer.queue(
          trx,
          mail.decisionToApplicant(
            base,
            app.contact_email,
            app.contact_locale,
            mailProcess(process),
            mailApp,
            outcome,
            await applicantView(trx, process, app.id),
          ),
        );
        for (const fp of await focalPointsOf(trx, process.id)) {
          await ctx.mailer.queue(
            trx,
            mail.decisionToFocalPoint(
              base,
              fp.email,
              fp.locale,
              mailProcess(process),
              mailApp,
              outcome,
              objections,
            ),
          );
        }
      }
      return due.length;
    });
    if (claimed < batchSize) break;
  }
  if (run.decided > 0) await ctx.mailer.deliverPending(ctx.db);
  return run;
}

// ---------------------------------------------------------------------------------------------
// The transparency register (public)

export interface Register {
  process: Process;
  items: PublicApplication[];
  total: number;
  page: number;
  pageSize: number;
  statistics: InclusionStatistics;
  lastDecisionAt: Date | null;
}

export interface RegisterQuery {
  outcome?: Outcome;
  q?: string;
  page?: number;
  pageSize?: number;
}

/**
 * Every application to a process, newest first, as the public may see it: the same view for
 * everyone, whatever their role, so the register can never leak what the policy keeps back.
 */
export async function getRegister(
  ctx: ServiceContext,
  processIdOrSlug: string,
  query: RegisterQuery = {},
): Promise<Register> {
  const process = await getProcess(ctx, processIdOrSlug);
  const all = await repo.applicationsOfProcess(ctx.readDb, process.id);
  const objections = await repo.objectionsOf(
    ctx.readDb,
    all.map((r) => r.id),
  );
  const regionOf = await regionResolver(ctx);
  const everyone = all
    .map((row) =>
      toPublic(
        row,
        visibleObjections(policyOf(process), facts(objections.get(row.id)), PUBLIC_AUDIENCE),
        regionOf,
      ),
    )
    .reverse();
  const statistics = inclusionStatistics(
    everyone.map((a) => ({
      stakeholderGroup: a.organisation.stakeholderGroup,
      region: a.organisation.region,
      ecosocStatus: a.organisation.ecosocStatus,
      outcome: a.outcome,
    })),
  );
  const q = query.q?.trim().toLowerCase();
  const matching = everyone.filter(
    (a) =>
      (!query.outcome || a.outcome === query.outcome) &&
      (!q || a.organisation.name.toLowerCase().includes(q)),
  );
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  const decided = everyone
    .map((a) => a.decidedAt?.getTime() ?? 0)
    .reduce((a, b) => Math.max(a, b), 0);
  return {
    process,
    items: matching.slice((page - 1) * pageSize, page * pageSize),
    total: matching.length,
    page,
    pageSize,
    statistics,
    lastDecisionAt: decided ? new Date(decided) : null,
  };
}

/** Applications of the organisations the actor represents (their own status page). */
export async function myApplications(
  ctx: ServiceContext,
  processIdOrSlug: string,
): Promise<PublicApplication[]> {
  const process = await getProcess(ctx, processIdOrSlug);
  const organisationIds = representedOrganisations(ctx);
  if (organisationIds.length === 0) return [];
  const rows = await repo.applicationsOfProcess(ctx.readDb, process.id, { organisationIds });
  const objections = await repo.objectionsOf(
    ctx.readDb,
    rows.map((r) => r.id),
  );
  const regionOf = await regionResolver(ctx);
  return rows
    .map((row) =>
      toPublic(
        row,
        visibleObjections(policyOf(process), facts(objections.get(row.id)), PUBLIC_AUDIENCE),
        regionOf,
      ),
    )
    .reverse();
}

/** Organisation ids the actor holds the organisation-rep role for. */
export function representedOrganisations(ctx: ServiceContext): string[] {
  return ctx.actor.grants
    .filter((g) => g.role === 'organisation-rep' && g.scopeType === 'organisation' && g.scopeId)
    .map((g) => g.scopeId!);
}

export async function representedOrganisationList(ctx: ServiceContext) {
  const ids = representedOrganisations(ctx);
  const map = await organisationsById(ctx, ids);
  return ids
    .map((id) => map.get(id))
    .filter((o): o is NonNullable<typeof o> => !!o)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * What processes give the awareness module through the ModuleDefinition: deadlines for the
 * calendars (sessions, non-objection periods, consultations closing) and public pages for the
 * sitemap. Everything here is public: the register shows pending applications with their deadline.
 */
import type { ServiceContext } from '../../platform/context.ts';
import type { Deadline, SitemapEntry } from '../../platform/module.ts';
import * as accreditationRepo from './accreditation.repository.ts';
import * as consultationsRepo from './consultations.repository.ts';
import { allProcesses } from './processes.service.ts';
import { addDays, startOfDay } from './zoned-time.ts';

/** Sessions still to come or under way, in the process's own time zone (whole days). */
async function sessionDeadlines(ctx: ServiceContext, now: Date): Promise<Deadline[]> {
  const out: Deadline[] = [];
  for (const process of await allProcesses(ctx)) {
    for (const meeting of process.meetings) {
      const endsAt = startOfDay(addDays(meeting.endsOn, 1), process.timeZone);
      if (endsAt.getTime() <= now.getTime()) continue;
      out.push({
        id: `process-meeting-${meeting.id}`,
        title: `${process.shortName ?? process.name}: ${meeting.title}`,
        at: startOfDay(meeting.startsOn, process.timeZone),
        endsAt,
        kind: 'session',
        path: `/processes/${process.slug}`,
        ...(meeting.location ? { description: meeting.location } : {}),
      });
    }
  }
  return out;
}

/**
 * Public deadlines of processes: sessions, the end of each running non-objection period and the
 * closing of each consultation not yet closed. A person's own applications are among the public
 * ones (the register is public), so `userId` adds nothing here.
 */
export async function processDeadlines(ctx: ServiceContext): Promise<Deadline[]> {
  const now = ctx.clock.now();
  const [sessions, pending, consultations] = await Promise.all([
    sessionDeadlines(ctx, now),
    accreditationRepo.pendingApplicationsEndingAfter(ctx.readDb, now),
    consultationsRepo.consultationsClosingAfter(ctx.readDb, now),
  ]);
  return [
    ...sessions,
    ...pending.map((a): Deadline => ({
      id: `accreditation-${a.id}`,
      title: `${a.organisation_name} — ${a.process_name}`,
      at: new Date(a.objection_deadline),
      kind: 'non-objection',
      path: `/processes/${a.process_slug}/register`,
    })),
    ...consultations.map((c): Deadline => ({
      id: `consultation-${c.id}`,
      title: `${c.title} — ${c.process_name}`,
      at: new Date(c.closes_at),
      kind: 'consultation',
      path: `/consultations/${c.slug}`,
      alsoUnder: [`/processes/${c.process_slug}`],
    })),
  ];
}

/** Each process's page and register, and each consultation's page. */
export async function* processSitemap(ctx: ServiceContext): AsyncIterable<SitemapEntry> {
  for (const process of await allProcesses(ctx)) {
    yield { path: `/processes/${process.slug}` };
    yield { path: `/processes/${process.slug}/register` };
  }
  for (const c of await consultationsRepo.allConsultations(ctx.readDb))
    yield { path: `/consultations/${c.slug}`, updatedAt: new Date(c.created_at) };
}

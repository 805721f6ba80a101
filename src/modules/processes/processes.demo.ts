import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/ids.ts';
import * as processRepo from './processes.repository.ts';
import * as repo from './accreditation.repository.ts';
import * as consultationRepo from './consultations.repository.ts';
import { addMeeting, createProcess, getProcess } from './processes.service.ts';
import { createConsultation } from './consultations.service.ts';
import { decideOutcome, type Process } from './processes.ts';
import { receiptFor } from './consultations.ts';
import { periodEnd, startOfDay } from './zoned-time.ts';

/**
 * Demo data: the real processes with their public facts (demo/processes.json), and fictional
 * applications, objections and submissions, each marked as demo. Fictional organisations are not
 * in the organisations directory; objections carry no state, so no real state is said to object.
 */

interface DemoProcess {
  slug: string;
  parentSlug?: string;
  meetings: Array<{ title: string; startsOn: string; endsOn: string; location?: string }>;
  [key: string]: unknown;
}

interface DemoOrganisation {
  name: string;
  group: string;
  country: string | null;
  ecosoc: boolean;
  expertise: string[];
  work: string;
}

const ORGANISATIONS: DemoOrganisation[] = [
  {
    name: 'Coastal Digital Rights Network',
    group: 'civil-society',
    country: 'KE',
    ecosoc: false,
    expertise: ['data-protection', 'norms'],
    work: 'digital rights in coastal East Africa',
  },
  {
    name: 'Andean Cyber Policy Institute',
    group: 'academia',
    country: 'PE',
    ecosoc: false,
    expertise: ['policy-strategy', 'international-law'],
    work: 'national cyber strategies in the Andean region',
  },
  {
    name: 'Pacific Islands CERT Collaboration',
    group: 'technical-community',
    country: 'FJ',
    ecosoc: false,
    expertise: ['incident-management'],
    work: 'incident response among small island states',
  },
  {
    name: 'Sahel Women in Cybersecurity',
    group: 'civil-society',
    country: 'NE',
    ecosoc: false,
    expertise: ['culture-skills'],
    work: 'training women for cybersecurity careers in the Sahel',
  },
  {
    name: 'Open Security Software Alliance',
    group: 'private-sector',
    country: null,
    ecosoc: false,
    expertise: ['standards', 'incident-management'],
    work: 'secure open-source software supply chains',
  },
  {
    name: 'Baltic Cyber Law Centre',
    group: 'academia',
    country: 'LV',
    ecosoc: false,
    expertise: ['international-law', 'cybercrime'],
    work: 'international law applied to cyber operations',
  },
  {
    name: 'Global Incident Responders Forum',
    group: 'technical-community',
    country: null,
    ecosoc: false,
    expertise: ['incident-management', 'cbms'],
    work: 'cooperation between incident response teams worldwide',
  },
  {
    name: 'Mekong Digital Inclusion Foundation',
    group: 'civil-society',
    country: 'VN',
    ecosoc: true,
    expertise: ['culture-skills', 'internet-governance'],
    work: 'digital inclusion in the Mekong region',
  },
  {
    name: 'Caribbean Cloud Providers Association',
    group: 'private-sector',
    country: 'JM',
    ecosoc: false,
    expertise: ['standards'],
    work: 'cloud security for Caribbean businesses',
  },
  {
    name: 'Human Rights Online Coalition',
    group: 'civil-society',
    country: 'ZA',
    ecosoc: true,
    expertise: ['data-protection', 'norms'],
    work: 'human rights in cyber policy',
  },
  {
    name: 'Central Asian Cyber Research Network',
    group: 'academia',
    country: 'KZ',
    ecosoc: false,
    expertise: ['policy-strategy', 'cbms'],
    work: 'confidence-building research in Central Asia',
  },
  {
    name: 'Arab Internet Users Forum',
    group: 'civil-society',
    country: 'JO',
    ecosoc: false,
    expertise: ['internet-governance', 'culture-skills'],
    work: 'Internet users in Arab states',
  },
];

const DAY = 24 * 60 * 60 * 1000;

function demoName(o: DemoOrganisation) {
  return `${o.name} (fictional demo)`;
}

/** One fictional application: decided at its deadline when that has passed, else pending. */
async function demoApplication(
  ctx: ServiceContext,
  process: Process,
  meetingTitle: string,
  org: DemoOrganisation,
  submittedAt: Date,
  objections: number,
  index: number,
) {
  const meeting = process.meetings.find((m) => m.title === meetingTitle);
  if (!meeting) return;
  const now = ctx.clock.now();
  const byStatus = process.ecosocExempt && org.ecosoc;
  const deadline = byStatus
    ? submittedAt
    : periodEnd(submittedAt, process.objectionPeriodDays, process.timeZone);
  if (deadline.getTime() > startOfDay(meeting.startsOn, process.timeZone).getTime()) return;
  if (submittedAt.getTime() > now.getTime()) return;
  const decided = byStatus || deadline.getTime() <= now.getTime();
  const status = byStatus ? 'accredited' : decided ? decideOutcome(objections) : 'pending';
  await ctx.db.transaction().execute(async (trx) => {
    const app = await repo.insertApplication(trx, {
      id: newId(),
      process_id: process.id,
      meeting_id: meeting.id,
      organisation_id: null,
      organisation_name: demoName(org),
      organisation_slug: null,
      stakeholder_group: org.group,
      country: org.country,
      ecosoc_status: org.ecosoc,
      statement: `Fictional demonstration application. The ${org.name} works on ${org.work} and would share this experience with member states.`,
      expertise: org.expertise,
      contact_name: 'Demo contact',
      contact_email: `demo-applicant-${index}@example.org`,
      contact_phone: null,
      applicant_user_id: null,
      status,
      basis: byStatus ? 'ecosoc' : 'non-objection',
      submitted_at: submittedAt,
      objection_deadline: deadline,
      decided_at: decided ? deadline : null,
      objections_at_decision: decided ? (byStatus ? 0 : objections) : null,
      is_demo: true,
    });
    for (let i = 0; i < (byStatus ? 0 : objections); i++) {
      await repo.insertObjection(trx, {
        id: newId(),
        application_id: app.id,
        country: null,
        user_id: null,
        reason: null,
        created_at: new Date(submittedAt.getTime() + (i + 1) * DAY),
        is_demo: true,
      });
    }
    await recordAudit(trx, ctx, {
      action: 'accreditation.demo-seed',
      entityType: 'accreditation_application',
      entityId: app.id,
      after: { process: process.id, status, demo: true },
      isPublic: true,
    });
  });
}

const DRAFT = [
  'Capacity building responds to needs that states identify themselves and is owned nationally.',
  'Programmes are sustainable: they plan from the start how skills and institutions will be kept once funding ends.',
  'Capacity building is politically neutral, transparent and accountable, and respects human rights and fundamental freedoms.',
  'Programmes are gender-sensitive and inclusive, and measure who takes part.',
  'Donors and implementers coordinate to avoid duplication, and publish what they fund and where.',
];

const QUESTIONS = [
  'Which capacity-building needs in cyber diplomacy are least served in your region?',
  'Which formats (workshops, mentoring, online courses, fellowships) have worked best for your organisation, and why?',
  'What keeps practitioners from developing countries from taking part in global discussions on ICT security?',
];

async function demoConsultations(ctx: ServiceContext) {
  const now = ctx.clock.now();
  const dtg = await getProcess(ctx, 'global-mechanism-dtg-capacity-building');
  const closed = await createConsultation(ctx, dtg.id, {
    slug: 'demo-draft-capacity-building-principles',
    title: 'Demo consultation: draft principles for needs-based capacity building',
    kind: 'draft',
    introduction:
      'A fictional consultation for demonstration: the draft below was written for this platform, not by the Global Mechanism.',
    paragraphs: DRAFT,
    opensAt: new Date(now.getTime() - 40 * DAY).toISOString(),
    closesAt: new Date(now.getTime() - 10 * DAY).toISOString(),
    eligibility: 'accredited-organisations',
    isDemo: true,
  });
  const inputs: Array<[DemoOrganisation, string, Array<{ paragraph: number; text: string }>]> = [
    [
      ORGANISATIONS[2]!,
      'Fictional demo input. Small island states need regional pools of incident responders more than national teams of one or two people.',
      [
        {
          paragraph: 2,
          text: 'Name who pays for the upkeep of regional teams after the first three years.',
        },
      ],
    ],
    [
      ORGANISATIONS[3]!,
      'Fictional demo input. Programmes should report participation by women and by country income group.',
      [{ paragraph: 4, text: 'Add: targets are published before the programme starts.' }],
    ],
    [
      ORGANISATIONS[7]!,
      'Fictional demo input. Coordination works when recipients host the meetings, not donors.',
      [
        { paragraph: 1, text: 'Support.' },
        { paragraph: 5, text: 'Publish funding data in an open standard such as IATI.' },
      ],
    ],
  ];
  for (const [i, [org, text, comments]] of inputs.entries()) {
    const id = newId();
    const submittedAt = new Date(now.getTime() - (30 - i * 5) * DAY);
    const receipt = receiptFor({
      consultationId: closed.id,
      submissionId: id,
      organisationId: null,
      author: demoName(org),
      submittedAt,
      text,
      comments,
      attachments: [],
    });
    await ctx.db.transaction().execute(async (trx) => {
      await consultationRepo.insertSubmission(trx, {
        id,
        consultation_id: closed.id,
        organisation_id: null,
        author_user_id: null,
        author_name: demoName(org),
        text,
        receipt,
        submitted_at: submittedAt,
        is_demo: true,
      });
      await consultationRepo.insertComments(trx, id, comments);
      await recordAudit(trx, ctx, {
        action: 'consultation.demo-seed',
        entityType: 'consultation_submission',
        entityId: id,
        after: { consultation: closed.id, receipt, demo: true },
        isPublic: true,
      });
    });
  }
  await createConsultation(ctx, 'igf', {
    slug: 'demo-igf-capacity-building-inputs',
    title: 'Demo call for inputs: capacity-building priorities',
    kind: 'questions',
    introduction:
      'A fictional call for inputs for demonstration, open to everyone with an account on this platform.',
    paragraphs: QUESTIONS,
    opensAt: new Date(now.getTime() - 5 * DAY).toISOString(),
    closesAt: new Date(now.getTime() + 30 * DAY).toISOString(),
    eligibility: 'everyone',
    isDemo: true,
  });
}

export async function seedDemoProcesses(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/processes.json', import.meta.url);
  if (!existsSync(file)) return;
  if (await processRepo.findProcessBySlug(ctx.db, 'oewg-2021-2025')) return;
  const list = JSON.parse(readFileSync(file, 'utf8')) as DemoProcess[];
  for (const { meetings, ...data } of list) {
    const process = await createProcess(ctx, data);
    for (const m of meetings) await addMeeting(ctx, process.id, m);
  }

  const oewg = await getProcess(ctx, 'oewg-2021-2025');
  const third = 'Third substantive session';
  const plan: Array<[number, number]> = [
    [0, 1],
    [1, 0],
    [2, 2],
    [3, 0],
    [4, 1],
    [5, 0],
    [6, 3],
    [7, 0],
    [9, 0],
    [10, 1],
    [11, 0],
  ];
  for (const [n, [org, objections]] of plan.entries()) {
    await demoApplication(
      ctx,
      oewg,
      third,
      ORGANISATIONS[org]!,
      new Date(Date.UTC(2022, 5, 1 + (n % 4), 14 + n)),
      objections,
      n,
    );
  }

  const mechanism = await getProcess(ctx, 'global-mechanism-ict-security');
  for (const [n, [org, objections]] of [
    [1, 0],
    [4, 0],
    [8, 1],
    [9, 0],
    [11, 0],
  ].entries()) {
    await demoApplication(
      ctx,
      mechanism,
      'First substantive plenary session',
      ORGANISATIONS[org!]!,
      new Date(Date.UTC(2026, 5, 2 + n, 15)),
      objections!,
      100 + n,
    );
  }

  const dtg = await getProcess(ctx, 'global-mechanism-dtg-capacity-building');
  const now = ctx.clock.now();
  for (const [n, [org, objections]] of [
    [0, 1],
    [2, 0],
    [5, 0],
  ].entries()) {
    await demoApplication(
      ctx,
      dtg,
      'Meetings of the dedicated thematic groups',
      ORGANISATIONS[org!]!,
      new Date(now.getTime() - (2 + n) * DAY),
      objections!,
      200 + n,
    );
  }

  await demoConsultations(ctx);
}

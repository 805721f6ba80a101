/**
 * Demo data: a past forum in the style of an IGF meeting, run through the real services — a call,
 * proposals, confirmations, reviews, decisions, a schedule and reports. Every person here is
 * fictional and the event is flagged as demo data on every page.
 */
import type { ServiceContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit.ts';
import { actorFor, createUser, findUserByEmail } from '../accounts/index.ts';
import * as repo from './events.repository.ts';
import { createCall, createEvent, loadEvent } from './events.service.ts';
import { saveProposal } from './proposals.service.ts';
import { assignCall, releaseDecisions, setDecision, submitReview } from './review.service.ts';
import { addReviewer } from './pool.service.ts';
import { fileReport, placeSession } from './schedule.service.ts';
import type { PersonRole, ReviewAction } from './events.ts';

const at = (iso: string) => new Date(iso);
function clocked(ctx: ServiceContext, iso: string): ServiceContext {
  const now = at(iso);
  return { ...ctx, clock: { now: () => new Date(now) } };
}

async function demoUser(ctx: ServiceContext, email: string, name: string) {
  const found = await findUserByEmail(ctx, email);
  return found ?? (await createUser(ctx, { email, displayName: name, verified: true }));
}

type Person = [
  role: PersonRole,
  name: string,
  org: string,
  group: string,
  country: string,
  onsite: boolean,
  gender: string | null,
  firstTime: boolean | null,
];

interface DemoProposal {
  owner: number;
  title: string;
  format: string;
  tags: string[];
  content: string;
  relevance: string;
  policyQuestion: string;
  people: Person[];
  decision: ReviewAction;
  scores: number[];
}

const ORGS = {
  lab: 'Coastal Digital Rights Lab (demo)',
  cert: 'Inland National CERT (demo)',
  uni: 'Savanna University Cyber Policy Centre (demo)',
  net: 'Open Networks Association (demo)',
  firm: 'Meridian Secure Systems (demo)',
  ministry: 'Ministry of Digital Affairs of an island state (demo)',
};

const standardPanel = (lead: string, extra: Person[] = []): Person[] => [
  ['proposer', `${lead} (demo)`, ORGS.lab, 'civil-society', 'KE', true, 'woman', false],
  ['co-proposer', 'Tomasz Demo-Nowak (demo)', ORGS.uni, 'academia', 'PL', true, 'man', false],
  ['speaker', 'Aroha Demo-Rangi (demo)', ORGS.ministry, 'government', 'FJ', true, 'woman', true],
  [
    'speaker',
    'Kwame Demo-Mensah (demo)',
    ORGS.cert,
    'technical-community',
    'BF',
    true,
    'man',
    false,
  ],
  ['speaker', 'Lucía Demo-Pérez (demo)', ORGS.firm, 'private-sector', 'BO', false, 'woman', false],
  ['speaker', 'Farid Demo-Haddad (demo)', ORGS.net, 'technical-community', 'JO', true, 'man', true],
  [
    'onsite-moderator',
    'Ines Demo-Costa (demo)',
    ORGS.uni,
    'academia',
    'PT',
    true,
    'non-binary',
    false,
  ],
  [
    'online-moderator',
    'Ravi Demo-Iyer (demo)',
    ORGS.net,
    'technical-community',
    'NP',
    false,
    'man',
    false,
  ],
  ['rapporteur', 'Mei Demo-Lin (demo)', ORGS.lab, 'civil-society', 'LA', true, null, null],
  ...extra,
];

const PROPOSALS: DemoProposal[] = [
  {
    owner: 0,
    title: 'Towards inclusive cyber capacity building: who is still missing from the table?',
    format: 'round-table-circle',
    tags: ['culture-skills', 'internet-governance'],
    content:
      'Capacity building programmes multiply, yet many practitioners from least developed countries and small island states still cannot take part. The round table brings governments, CERTs, companies and civil society together to compare what works: fellowships, regional hubs, translated material and mentoring.',
    relevance:
      'A free, open and secure Internet needs every stakeholder able to take part in its governance; capacity is the precondition.',
    policyQuestion:
      'How can capacity building reach those who are usually absent from the discussion?',
    people: standardPanel('Amina Demo-Okafor'),
    decision: 'accept',
    scores: [5, 4, 5, 4, 4],
  },
  {
    owner: 1,
    title: 'National CERTs in small island states: sharing the load',
    format: 'panel',
    tags: ['incident-management', 'cbms'],
    content:
      'Small states run national CERTs with a handful of people. Speakers from island administrations and regional networks discuss shared services, mutual assistance and how confidence-building measures support them.',
    relevance: 'Incident response capacity is uneven; regional cooperation is a concrete answer.',
    policyQuestion: 'Which shared services let small CERTs cover what they cannot alone?',
    people: standardPanel('Sione Demo-Tupou'),
    decision: 'accept',
    scores: [4, 4, 4, 4, 3],
  },
  {
    owner: 2,
    title: 'Applying the agreed norms: a practitioners’ debate',
    format: 'debate',
    tags: ['norms', 'international-law'],
    content:
      'Two teams debate whether the eleven voluntary norms of responsible state behaviour are implemented enough to matter, drawing on national surveys of implementation.',
    relevance: 'Implementation of agreed norms is the next step of the UN discussions.',
    policyQuestion: 'What evidence shows a norm is implemented?',
    people: standardPanel('Hélène Demo-Marchand'),
    decision: 'accept',
    scores: [4, 5, 3, 5, 4],
  },
  {
    owner: 3,
    title: 'Cybercrime legislation toolkits: lessons from three regions',
    format: 'round-table-u',
    tags: ['cybercrime', 'policy-strategy'],
    content:
      'Legislative drafters compare toolkits used to draft cybercrime laws that respect human rights, and what happened when they were used.',
    relevance: 'Many countries are drafting or revising cybercrime laws now.',
    policyQuestion: 'How do toolkits keep safeguards in new laws?',
    people: standardPanel('Jonas Demo-Berg'),
    decision: 'accept',
    scores: [3, 4, 4, 3, 4],
  },
  {
    owner: 0,
    title: 'Youth voices in cyber diplomacy',
    format: 'birds-of-a-feather',
    tags: ['internet-governance'],
    content: 'An open exchange among young professionals entering cyber diplomacy.',
    relevance: 'The next generation of negotiators needs a way in.',
    policyQuestion: 'What helps young professionals take part?',
    people: standardPanel('Amina Demo-Okafor').filter(
      (p) => p[0] !== 'speaker' || p[1].startsWith('Kwame'),
    ),
    decision: 'revise',
    scores: [3, 2, 2, 3, 2],
  },
  {
    owner: 1,
    title: 'Data protection authorities and incident reporting',
    format: 'panel',
    tags: ['data-protection', 'incident-management'],
    content:
      'How data protection authorities and CERTs share incident reports without duplicating work.',
    relevance: 'Two reporting duties often meet in one incident.',
    policyQuestion: 'Can one report serve two authorities?',
    people: standardPanel('Sione Demo-Tupou'),
    decision: 'merge',
    scores: [3, 3, 3, 3, 3],
  },
  {
    owner: 2,
    title: 'A catalogue of everything: do we need another portal?',
    format: 'lightning-talk',
    tags: ['culture-skills'],
    content: 'A short talk on the number of portals for capacity building.',
    relevance: 'Portals multiply.',
    policyQuestion: 'Is one more portal useful?',
    people: standardPanel('Hélène Demo-Marchand').filter((p) => p[0] !== 'speaker'),
    decision: 'reject',
    scores: [2, 2, 1, 2, 2],
  },
];

const REVIEWERS: Array<[name: string, group: string, org: string]> = [
  ['Reviewer Ana Demo-Silva (demo)', 'civil-society', 'Harbour Policy Network (demo)'],
  [
    'Reviewer Baraka Demo-Njoroge (demo)',
    'technical-community',
    'Rift Valley Internet Society (demo)',
  ],
  ['Reviewer Chen Demo-Wei (demo)', 'academia', 'Mountain Institute of Technology (demo)'],
  ['Reviewer Dana Demo-Levi (demo)', 'private-sector', 'Lighthouse Security (demo)'],
  [
    'Reviewer Emil Demo-Sorensen (demo)',
    'government',
    'Ministry of Foreign Affairs of a northern state (demo)',
  ],
  ['Reviewer Fatima Demo-Diallo (demo)', 'igo', 'Regional Economic Community Secretariat (demo)'],
];

export async function seedDemoEvents(ctx: ServiceContext): Promise<void> {
  if (await repo.findEventBySlug(ctx.db, 'demo-forum-2024')) return;
  const owners = [];
  for (const [i, name] of [
    'Amina Demo-Okafor',
    'Sione Demo-Tupou',
    'Hélène Demo-Marchand',
    'Jonas Demo-Berg',
  ].entries()) {
    owners.push(await demoUser(ctx, `demo-proposer-${i + 1}@example.org`, `${name} (demo)`));
  }
  const event = await createEvent(ctx, {
    slug: 'demo-forum-2024',
    name: 'Demo Forum on Cyber Capacity 2024',
    place: 'Geneva, Switzerland',
    description:
      'A fictional forum in the style of an Internet Governance Forum meeting, with its call for workshop proposals, reviews, programme and session reports. Every person and proposal here is invented demo data.',
    startsOn: '2024-12-16',
    endsOn: '2024-12-18',
    timeZone: 'Europe/Zurich',
    isDemo: true,
    rooms: [
      { name: 'Room 1 – Plenary', capacity: 400 },
      { name: 'Room 2', capacity: 120 },
      { name: 'Room 3', capacity: 60 },
    ],
    slots: ['2024-12-16', '2024-12-17', '2024-12-18'].flatMap((day) =>
      [
        ['08:30', '10:00'],
        ['10:30', '12:00'],
        ['13:30', '15:00'],
        ['15:30', '17:00'],
      ].map(([s, e]) => ({ startsAt: `${day}T${s}:00Z`, endsAt: `${day}T${e}:00Z` })),
    ),
  });
  const call = await createCall(ctx, event.id, {
    title: 'Call for workshop proposals',
    description: 'Workshops on cyber capacity building and cyber diplomacy, with diverse panels.',
    opensAt: '2024-03-01T00:00:00Z',
    closesAt: '2024-05-15T21:59:00Z',
    reviewsPerProposal: 3,
    phases: [
      {
        name: 'Evaluation',
        startsAt: '2024-05-20T00:00:00Z',
        endsAt: '2024-06-20T00:00:00Z',
        blind: true,
        seeOthersScores: false,
      },
      {
        name: 'Calibration',
        startsAt: '2024-06-20T00:00:00Z',
        endsAt: '2024-06-30T00:00:00Z',
        blind: false,
        seeOthersScores: true,
      },
    ],
  });
  const ids: string[] = [];
  for (const p of PROPOSALS) {
    const owner = owners[p.owner]!;
    const actor = await actorFor(ctx, owner.id);
    const proposal = await saveProposal(
      { ...clocked(ctx, '2024-04-10T10:00:00Z'), actor },
      { callId: call.id },
      {
        title: p.title,
        format: p.format,
        content: p.content,
        relevance: p.relevance,
        policyQuestion: p.policyQuestion,
        tags: p.tags,
        onlinePlan:
          'An online moderator relays remote questions; a dedicated segment gives remote participants the floor first.',
        facilitationPlan:
          'Short openings of three minutes, then questions from the room and online in turn, with the moderator keeping time.',
        previousWorkshop: false,
        people: p.people.map(([role, name, org, group, country, onsite], i) => ({
          role,
          name,
          email: i === 0 ? owner.email : `demo-person-${ids.length + 1}-${i}@example.org`,
          organisation: org,
          stakeholderGroup: group,
          country,
          onsite,
        })),
        submit: true,
      },
    );
    ids.push(proposal.id);
    // The fictional people answer their invitations (in real use, through the emailed links).
    const positions = new Map<string, number>();
    const answers = p.people.map(([role, , , , , , gender, firstTime]) => {
      const position = positions.get(role) ?? 0;
      positions.set(role, position + 1);
      return { role, position, gender, firstTime };
    });
    await ctx.db.transaction().execute(async (trx) => {
      await repo.demoConfirmPeople(trx, proposal.id, answers, at('2024-04-20T10:00:00Z'));
      await recordAudit(trx, ctx, {
        action: 'proposal.demo-confirm',
        entityType: 'proposal',
        entityId: proposal.id,
      });
    });
  }
  const reviewers = [];
  for (const [i, [name, group, org]] of REVIEWERS.entries()) {
    const user = await demoUser(ctx, `demo-reviewer-${i + 1}@example.org`, name);
    await addReviewer(ctx, event.id, {
      email: user.email,
      stakeholderGroup: group,
      organisation: org,
    });
    reviewers.push(user);
  }
  await assignCall(clocked(ctx, '2024-05-19T09:00:00Z'), call.id);
  const strictness = [0, -1, 1, 0, -1, 0];
  for (const [r, reviewer] of reviewers.entries()) {
    const actor = await actorFor(ctx, reviewer.id);
    const rctx = { ...clocked(ctx, '2024-06-01T09:00:00Z'), actor };
    for (const [i, p] of PROPOSALS.entries()) {
      if ((i + r) % 2 === 1) continue; // each reviewer reads about half of them
      const scores = Object.fromEntries(
        ['relevance', 'content', 'diversity', 'format', 'policy-question'].map((code, k) => [
          code,
          Math.min(5, Math.max(1, (p.scores[k] ?? 3) + (strictness[r] ?? 0))),
        ]),
      );
      await submitReview(rctx, ids[i]!, {
        scores,
        action: p.decision === 'merge' ? 'merge' : p.decision,
        mergeWithId: p.decision === 'merge' ? ids[1] : null,
        comment: `Demo comment ${r + 1}: ${p.decision === 'accept' ? 'a clear and diverse proposal' : 'the panel and the policy question need more work'}.`,
      });
    }
  }
  for (const [i, p] of PROPOSALS.entries()) {
    await setDecision(clocked(ctx, '2024-07-01T09:00:00Z'), ids[i]!, {
      decision: p.decision,
      note: p.decision === 'merge' ? 'Please combine with the related proposal on CERTs.' : '',
      mergeWithId: p.decision === 'merge' ? ids[1] : null,
    });
  }
  await releaseDecisions(clocked(ctx, '2024-07-02T09:00:00Z'), call.id);
  const fresh = await loadEvent(ctx, event.id, ctx.db);
  const placements: Array<[number, number, number]> = [
    [0, 0, 1],
    [1, 1, 2],
    [2, 0, 5],
    [3, 2, 9],
  ];
  const sessions = [];
  for (const [p, room, slot] of placements) {
    sessions.push(
      await placeSession(clocked(ctx, '2024-09-01T09:00:00Z'), event.id, {
        proposalId: ids[p],
        roomId: fresh.rooms[room]!.id,
        slotId: fresh.slots[slot]!.id,
      }),
    );
  }
  sessions.push(
    await placeSession(clocked(ctx, '2024-09-01T09:00:00Z'), event.id, {
      title: 'Opening ceremony',
      roomId: fresh.rooms[0]!.id,
      slotId: fresh.slots[0]!.id,
      durationMinutes: 90,
    }),
  );
  const reports = [
    {
      summary:
        'Participants agreed that capacity building still misses many practitioners from least developed countries and small island states. Fellowships, regional hubs and material in more languages were named as what works; one-off trainings without follow-up as what does not.',
      keyTakeaways:
        'Regional hubs sustain skills better than one-off courses.\nTranslation is a capacity-building measure in itself.',
      callsToAction:
        'Donors should fund follow-up, not only first trainings.\nOrganisers should budget for remote participation from the start.',
      onsiteAttendance: 85,
      onlineAttendance: 140,
      participation: {
        speakers: 6,
        interventionsOnsite: 11,
        interventionsOnline: 7,
        questions: 14,
      },
    },
    {
      summary:
        'Speakers from island administrations described shared CERT services and mutual assistance agreements; regional networks offered to pool on-call duty.',
      keyTakeaways: 'Shared services make small CERTs viable.',
      callsToAction: 'Regional networks should publish the services they can share.',
      onsiteAttendance: 40,
      onlineAttendance: 65,
      participation: { speakers: 5, interventionsOnsite: 6, interventionsOnline: 5, questions: 9 },
    },
    {
      summary:
        'The debate found that implementation surveys are the best evidence available, but that few countries publish them.',
      keyTakeaways: 'Evidence of norm implementation is scarce.',
      callsToAction: 'States should publish their implementation surveys.',
      onsiteAttendance: 120,
      onlineAttendance: 90,
      participation: {
        speakers: 4,
        interventionsOnsite: 12,
        interventionsOnline: 4,
        questions: 10,
      },
    },
  ];
  // The fourth workshop's report is never filed: it shows as overdue, and screening of a later
  // call by the same proposer would block until it is.
  for (const [i, report] of reports.entries()) {
    await fileReport(clocked(ctx, '2024-12-20T09:00:00Z'), sessions[i]!.id, report);
  }
  await ctx.db.transaction().execute(async (trx) => {
    await repo.markDemo(trx, event.id);
    await recordAudit(trx, ctx, { action: 'event.demo', entityType: 'event', entityId: event.id });
  });
}

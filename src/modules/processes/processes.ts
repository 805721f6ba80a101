/**
 * Processes, accreditation under a non-objection procedure, and their disclosure rules: domain
 * types and pure rules (no database, no HTTP), so that each rule can be tested on its own.
 */

export const PROCESS_KINDS = [
  'un-working-group',
  'un-mechanism',
  'thematic-group',
  'forum',
  'regional-dialogue',
  'other',
] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** How non-governmental stakeholders take part. */
export const MODALITIES = ['open', 'non-objection', 'ecosoc-only', 'closed'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Who learns which state objected: everyone, the secretariat only, or no one. */
export const OBJECTOR_DISCLOSURE = ['public', 'secretariat', 'withheld'] as const;
export type ObjectorDisclosure = (typeof OBJECTOR_DISCLOSURE)[number];

/**
 * Per member, counted through the accounts module's `checkRateLimit`: enough for any real use (one
 * application per organisation and session, one submission per consultation), not for a script.
 */
export const SUBMISSION_LIMITS = {
  applications: { limit: 10, windowSeconds: 60 * 60 },
  consultationSubmissions: { limit: 20, windowSeconds: 60 * 60 },
} as const;

export const OUTCOMES = ['pending', 'accredited', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Why an organisation was accredited: no objection stood, or its ECOSOC consultative status. */
export type Basis = 'non-objection' | 'ecosoc';

export interface DisclosurePolicy {
  objector: ObjectorDisclosure;
  reasonsPublic: boolean;
}

export interface Meeting {
  id: string;
  title: string;
  startsOn: string;
  endsOn: string;
  location: string | null;
  url: string | null;
}

export interface Process {
  id: string;
  slug: string;
  name: string;
  shortName: string | null;
  kind: ProcessKind;
  parent: { id: string; slug: string; name: string } | null;
  description: string;
  mandate: string | null;
  website: string | null;
  modality: Modality;
  ecosocExempt: boolean;
  objectionPeriodDays: number;
  timeZone: string;
  disclosure: DisclosurePolicy;
  startsOn: string | null;
  endsOn: string | null;
  meetings: Meeting[];
  isDemo: boolean;
}

/** What a viewer may see of a process's confidential data. */
export interface Audience {
  /** The process's secretariat (permission process.view-confidential in its scope). */
  secretariat: boolean;
  /** The member state the viewer speaks for in this process, if a focal point. */
  delegation: string | null;
}

export const PUBLIC_AUDIENCE: Audience = Object.freeze({ secretariat: false, delegation: null });

export interface ObjectionFact {
  country: string | null;
  reason: string | null;
  withdrawn: boolean;
}

/** Objections as a given audience may see them. */
export interface VisibleObjections {
  /** Standing objections (withdrawn ones are not counted). */
  count: number;
  /** Objecting states, or null when the policy hides them from this audience. */
  states: string[] | null;
  /** Reasons given, or null when the policy hides them from this audience. */
  reasons: string[] | null;
  /** The viewer's own delegation's standing objection, if any. */
  own: { reason: string | null } | null;
}

/**
 * The disclosure rule. The count of standing objections is public everywhere: the register exists
 * to make exclusion visible. Who objected is public, known to the secretariat, or withheld from
 * everyone; reasons are public or known to the secretariat. A delegation always sees its own.
 */
export function visibleObjections(
  policy: DisclosurePolicy,
  objections: readonly ObjectionFact[],
  audience: Audience,
): VisibleObjections {
  const standing = objections.filter((o) => !o.withdrawn);
  const showStates =
    policy.objector === 'public' || (policy.objector === 'secretariat' && audience.secretariat);
  const showReasons = policy.reasonsPublic || audience.secretariat;
  const own = audience.delegation
    ? standing.find((o) => o.country === audience.delegation)
    : undefined;
  return {
    count: standing.length,
    states: showStates
      ? [...new Set(standing.map((o) => o.country).filter((c): c is string => !!c))].sort()
      : null,
    reasons: showReasons
      ? standing.map((o) => o.reason?.trim()).filter((r): r is string => !!r)
      : null,
    own: own ? { reason: own.reason } : null,
  };
}

/** Accredited when no objection stands at the end of the period. */
export function decideOutcome(standingObjections: number): Exclude<Outcome, 'pending'> {
  return standingObjections === 0 ? 'accredited' : 'refused';
}

/** An objection may be raised or withdrawn only while the period runs: strictly before its end. */
export function periodOpen(now: Date, deadline: Date): boolean {
  return now.getTime() < deadline.getTime();
}

/** The decision is due from the deadline's instant onwards. */
export function decisionDue(now: Date, deadline: Date): boolean {
  return now.getTime() >= deadline.getTime();
}

export interface PriorApplication {
  status: Outcome;
  meetingStartsOn: string;
  meetingId: string;
}

export type ApplicationBlock =
  | { kind: 'accredited' }
  | { kind: 'pending' }
  | { kind: 'same-meeting' }
  | { kind: 'not-later'; refusedFor: string };

/**
 * Whether an organisation may apply for a meeting given its earlier applications to the process:
 * not while accredited or pending, and after a refusal only for a later session.
 */
export function reapplicationBlock(
  prior: readonly PriorApplication[],
  meeting: { id: string; startsOn: string },
): ApplicationBlock | null {
  if (prior.some((p) => p.status === 'accredited')) return { kind: 'accredited' };
  if (prior.some((p) => p.status === 'pending')) return { kind: 'pending' };
  if (prior.some((p) => p.meetingId === meeting.id)) return { kind: 'same-meeting' };
  const refused = prior
    .filter((p) => p.status === 'refused')
    .map((p) => p.meetingStartsOn)
    .sort();
  const latest = refused.at(-1);
  if (latest && meeting.startsOn <= latest) return { kind: 'not-later', refusedFor: latest };
  return null;
}

/** Spreadsheets run cells starting with these as formulas (OWASP "CSV injection"). */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Screening as the IGF secretariat does it, automatic and explained: each rule the call switches
 * on gives pass, fail or block (a block cannot be outweighed by review scores), with the facts
 * that explain it. Pure: the service gathers the facts.
 */
import type { PersonRole, PersonStatus, ScreeningConfig } from './events.ts';

export interface ScreeningProposal {
  title: string;
  format: string | null;
  content: string;
  relevance: string;
  policyQuestion: string;
  tags: readonly string[];
  onlinePlan: string;
  facilitationPlan: string;
  previousWorkshop: boolean;
  previousReportUrl: string | null;
}

export interface ScreeningPerson {
  role: PersonRole;
  status: PersonStatus;
  onsite: boolean;
  name: string;
  organisation: string;
  stakeholderGroup: string | null;
  country: string | null;
}

export interface ScreeningFacts {
  proposal: ScreeningProposal;
  people: readonly ScreeningPerson[];
  /** From the people's own declarations (see diversity.genderDiverse). */
  genderDiverse: boolean;
  /** The proposers' earlier sessions on the platform whose report is overdue and missing. */
  overdueReports: number;
  /** The proposers' earlier sessions on the platform with a filed report. */
  filedReports: number;
}

export type ScreeningRule =
  'requiredFields' | 'confirmedSpeakers' | 'genderDiversity' | 'onsite' | 'previousReport';

export interface ScreeningOutcome {
  rule: ScreeningRule;
  outcome: 'pass' | 'fail' | 'block';
  /** Field names missing (requiredFields), or counts. */
  missing?: string[];
  have?: number;
  need?: number;
}

export interface ScreeningResult {
  outcomes: ScreeningOutcome[];
  passed: boolean;
  blocked: boolean;
}

const blank = (s: string | null | undefined) => !s || s.trim() === '';

/** The fields of the IGF template a complete proposal fills in, as field names of the form. */
export function missingFields(p: ScreeningProposal, people: readonly ScreeningPerson[]): string[] {
  const missing: string[] = [];
  if (blank(p.title)) missing.push('title');
  if (!p.format) missing.push('format');
  if (blank(p.content)) missing.push('content');
  if (blank(p.relevance)) missing.push('relevance');
  if (blank(p.policyQuestion)) missing.push('policyQuestion');
  if (p.tags.length === 0) missing.push('tags');
  if (blank(p.onlinePlan)) missing.push('onlinePlan');
  if (blank(p.facilitationPlan)) missing.push('facilitationPlan');
  if (p.previousWorkshop && blank(p.previousReportUrl)) missing.push('previousReportUrl');
  const active = people.filter((x) => x.status !== 'declined');
  const proposer = active.find((x) => x.role === 'proposer');
  if (!proposer) missing.push('proposer');
  else {
    if (blank(proposer.organisation)) missing.push('proposer.organisation');
    if (!proposer.stakeholderGroup) missing.push('proposer.stakeholderGroup');
    if (!proposer.country) missing.push('proposer.country');
  }
  for (const role of ['onsite-moderator', 'online-moderator', 'rapporteur'] as const) {
    if (!active.some((x) => x.role === role)) missing.push(role);
  }
  return missing;
}

export function screen(config: ScreeningConfig, facts: ScreeningFacts): ScreeningResult {
  const outcomes: ScreeningOutcome[] = [];
  const confirmed = facts.people.filter((p) => p.status === 'confirmed');
  if (config.requiredFields) {
    const missing = missingFields(facts.proposal, facts.people);
    outcomes.push({ rule: 'requiredFields', outcome: missing.length ? 'fail' : 'pass', missing });
  }
  if (config.minConfirmedSpeakers > 0) {
    const have = confirmed.filter((p) => p.role === 'speaker').length;
    const need = config.minConfirmedSpeakers;
    outcomes.push({
      rule: 'confirmedSpeakers',
      outcome: have >= need ? 'pass' : 'fail',
      have,
      need,
    });
  }
  if (config.genderDiversity) {
    outcomes.push({ rule: 'genderDiversity', outcome: facts.genderDiverse ? 'pass' : 'fail' });
  }
  if (config.onsiteModerator || config.minOnsiteSpeakers > 0) {
    const moderatorOnsite = confirmed.some((p) => p.role === 'onsite-moderator' && p.onsite);
    const have = confirmed.filter((p) => p.role === 'speaker' && p.onsite).length;
    const need = config.minOnsiteSpeakers;
    const missing = [
      ...(config.onsiteModerator && !moderatorOnsite ? ['onsite-moderator'] : []),
      ...(have < need ? ['speakers'] : []),
    ];
    outcomes.push({
      rule: 'onsite',
      outcome: missing.length ? 'fail' : 'pass',
      have,
      need,
      missing,
    });
  }
  if (config.previousReport) {
    const undeclaredReport =
      facts.proposal.previousWorkshop &&
      blank(facts.proposal.previousReportUrl) &&
      facts.filedReports === 0;
    const blocked = facts.overdueReports > 0 || undeclaredReport;
    outcomes.push({
      rule: 'previousReport',
      outcome: blocked ? 'block' : 'pass',
      have: facts.overdueReports,
    });
  }
  return {
    outcomes,
    passed: outcomes.every((o) => o.outcome === 'pass'),
    blocked: outcomes.some((o) => o.outcome === 'block'),
  };
}

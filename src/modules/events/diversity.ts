/**
 * Panel diversity, computed the same way on the server and in the editor's island.
 *
 * Two kinds of facts go in. Professional facts the proposer typed (stakeholder group, country of
 * work) are counted as distinct groups. Personal attributes the people declared themselves
 * (gender, first time speaking) never leave the server per person: the server reduces them to a
 * `PrivateSummary`, and withholds even that when fewer than PRIVACY_MIN_GROUP people declared.
 */
import {
  PANEL_ROLES,
  PRIVACY_MIN_GROUP,
  type DiversityCriteria,
  type PersonRole,
  type PersonStatus,
} from './events.ts';

export interface PanelFacts {
  role: PersonRole;
  stakeholderGroup: string | null;
  country: string | null;
  status: PersonStatus;
}

/** Per country: its UN regional group code and whether it is an LDC, LLDC or SIDS. */
export type CountryFacts = Record<string, { group: string | null; developing: boolean }>;

/** What the server discloses about self-declared attributes: counts only, or nothing. */
export interface PrivateSummary {
  /** How many panel members have confirmed and answered at least one question. */
  declared: number;
  /** Distinct genders declared; null while fewer than PRIVACY_MIN_GROUP declared. */
  distinctGenders: number | null;
  /** First-time speakers; null while fewer than PRIVACY_MIN_GROUP declared. */
  firstTime: number | null;
}

export interface PrivateFacts {
  role: PersonRole;
  status: PersonStatus;
  gender: string | null;
  firstTime: boolean | null;
}

export type CheckStatus = 'met' | 'missing' | 'withheld';

export interface ChecklistItem {
  code: 'stakeholderGroups' | 'regionalGroups' | 'developingCountry' | 'gender' | 'firstTime';
  status: CheckStatus;
  need: number;
  /** null when withheld. */
  have: number | null;
}

export interface DiversityAssessment {
  panelSize: number;
  stakeholderGroups: string[];
  regionalGroups: string[];
  developingCountryPeople: number;
  declared: number;
  distinctGenders: number | null;
  firstTime: number | null;
  checklist: ChecklistItem[];
  /** True when every criterion the call sets is met. */
  complete: boolean;
}

function onPanel(p: { role: PersonRole; status: PersonStatus }): boolean {
  return PANEL_ROLES.includes(p.role) && p.status !== 'declined';
}

/** Reduces self-declared attributes to what may be disclosed (server only). */
export function summarisePrivate(people: readonly PrivateFacts[]): PrivateSummary {
  const declaredPeople = people.filter(
    (p) => onPanel(p) && p.status === 'confirmed' && (p.gender !== null || p.firstTime !== null),
  );
  const declared = declaredPeople.length;
  if (declared < PRIVACY_MIN_GROUP) return { declared, distinctGenders: null, firstTime: null };
  const genders = new Set(declaredPeople.map((p) => p.gender).filter((g) => g !== null));
  return {
    declared,
    distinctGenders: genders.size,
    firstTime: declaredPeople.filter((p) => p.firstTime === true).length,
  };
}

/**
 * The gender criterion also serves screening, where the rule is "more than one gender", so its
 * pass/fail is computed from the true values but disclosed only with the summary.
 */
export function genderDiverse(people: readonly PrivateFacts[]): boolean {
  const genders = new Set(
    people
      .filter((p) => onPanel(p) && p.status === 'confirmed' && p.gender !== null)
      .map((p) => p.gender),
  );
  return genders.size > 1;
}

export function assessDiversity(
  people: readonly PanelFacts[],
  countries: CountryFacts,
  criteria: DiversityCriteria,
  summary: PrivateSummary,
): DiversityAssessment {
  const panel = people.filter(onPanel);
  const groups = new Set<string>();
  const regions = new Set<string>();
  let developing = 0;
  for (const p of panel) {
    if (p.stakeholderGroup) groups.add(p.stakeholderGroup);
    const c = p.country ? countries[p.country] : undefined;
    if (c?.group) regions.add(c.group);
    if (c?.developing) developing++;
  }
  const checklist: ChecklistItem[] = [];
  const count = (code: ChecklistItem['code'], need: number, have: number) => {
    if (need > 0) checklist.push({ code, need, have, status: have >= need ? 'met' : 'missing' });
  };
  count('stakeholderGroups', criteria.minStakeholderGroups, groups.size);
  count('regionalGroups', criteria.minRegionalGroups, regions.size);
  count('developingCountry', criteria.minDevelopingCountry, developing);
  const withheld = summary.distinctGenders === null;
  if (criteria.genderDiversity) {
    checklist.push(
      withheld
        ? { code: 'gender', need: 2, have: null, status: 'withheld' }
        : {
            code: 'gender',
            need: 2,
            have: summary.distinctGenders,
            status: (summary.distinctGenders ?? 0) >= 2 ? 'met' : 'missing',
          },
    );
  }
  if (criteria.minFirstTime > 0) {
    checklist.push(
      summary.firstTime === null
        ? { code: 'firstTime', need: criteria.minFirstTime, have: null, status: 'withheld' }
        : {
            code: 'firstTime',
            need: criteria.minFirstTime,
            have: summary.firstTime,
            status: summary.firstTime >= criteria.minFirstTime ? 'met' : 'missing',
          },
    );
  }
  return {
    panelSize: panel.length,
    stakeholderGroups: [...groups].sort(),
    regionalGroups: [...regions].sort(),
    developingCountryPeople: developing,
    declared: summary.declared,
    distinctGenders: summary.distinctGenders,
    firstTime: summary.firstTime,
    checklist,
    complete: checklist.every((c) => c.status === 'met'),
  };
}

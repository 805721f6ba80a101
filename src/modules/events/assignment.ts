/**
 * Automatic reviewer assignment: every proposal gets its quota of reviewers, loads stay even,
 * each proposal's reviewers come from as many stakeholder groups as the pool allows, and nobody
 * reviews a proposal from their own organisation or one they declared a conflict with.
 *
 * Greedy, proposals with the fewest reviewers first; each pick scans the pool once, so the cost is
 * proposals × quota × pool (2,000 × 3 × 150 is under a million steps).
 */
export interface AssignProposal {
  id: string;
  /** Organisations of everyone named on the proposal. */
  organisations: readonly string[];
  /** The proposer's stakeholder group, mixed with others where possible. */
  stakeholderGroup: string | null;
  /** Reviewers already assigned (they count towards the quota). */
  assigned: readonly string[];
}

export interface AssignReviewer {
  id: string;
  organisation: string;
  stakeholderGroup: string;
  /** Assignments the reviewer already has in this call. */
  load: number;
}

export interface AssignmentResult {
  assignments: Array<{ proposalId: string; reviewerId: string }>;
  /** Proposals that could not get their full quota (pool too small or too conflicted). */
  unfilled: Array<{ proposalId: string; missing: number }>;
}

export function normaliseOrganisation(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function conflictKey(proposalId: string, reviewerId: string): string {
  return `${proposalId}:${reviewerId}`;
}

/** Whether `reviewer` must not review `proposal`: same organisation, or a declared conflict. */
export function inConflict(
  proposal: Pick<AssignProposal, 'id' | 'organisations'>,
  reviewer: Pick<AssignReviewer, 'id' | 'organisation'>,
  declared: ReadonlySet<string>,
): boolean {
  if (declared.has(conflictKey(proposal.id, reviewer.id))) return true;
  const org = normaliseOrganisation(reviewer.organisation);
  return org !== '' && proposal.organisations.some((o) => normaliseOrganisation(o) === org);
}

export function assignReviewers(
  proposals: readonly AssignProposal[],
  reviewers: readonly AssignReviewer[],
  perProposal: number,
  declared: ReadonlySet<string> = new Set(),
): AssignmentResult {
  const pool = reviewers.map((r, index) => ({
    ...r,
    org: normaliseOrganisation(r.organisation),
    index,
  }));
  const byId = new Map(pool.map((r) => [r.id, r]));
  const order = [...proposals].sort(
    (a, b) => a.assigned.length - b.assigned.length || a.id.localeCompare(b.id),
  );
  const result: AssignmentResult = { assignments: [], unfilled: [] };
  for (const proposal of order) {
    const chosen = new Set(proposal.assigned);
    const groups = new Set<string>();
    for (const id of proposal.assigned) {
      const r = byId.get(id);
      if (r) groups.add(r.stakeholderGroup);
    }
    const orgs = new Set(proposal.organisations.map(normaliseOrganisation).filter(Boolean));
    let needed = perProposal - chosen.size;
    while (needed > 0) {
      let best: (typeof pool)[number] | null = null;
      let bestScore = Infinity;
      for (const r of pool) {
        if (chosen.has(r.id)) continue;
        if (r.org && orgs.has(r.org)) continue;
        if (declared.has(conflictKey(proposal.id, r.id))) continue;
        // Balance load, but let a group not yet on this proposal outweigh one extra assignment;
        // then prefer groups other than the proposer's.
        const score =
          r.load * 100 +
          (groups.has(r.stakeholderGroup) ? 150 : 0) +
          (r.stakeholderGroup === proposal.stakeholderGroup ? 10 : 0) +
          // A deterministic spread among equals, so ties do not always fall on the same people.
          ((r.index * 7919 + proposal.id.length * 31 + result.assignments.length) % 10) / 10;
        if (score < bestScore) {
          bestScore = score;
          best = r;
        }
      }
      if (!best) break;
      chosen.add(best.id);
      groups.add(best.stakeholderGroup);
      best.load += 1;
      result.assignments.push({ proposalId: proposal.id, reviewerId: best.id });
      needed -= 1;
    }
    if (needed > 0) result.unfilled.push({ proposalId: proposal.id, missing: needed });
  }
  return result;
}

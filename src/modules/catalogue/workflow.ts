/**
 * The editorial workflow, as pure rules. Organisation representatives write drafts and submit them;
 * editors review: they ask for changes (with a note), publish, archive, or restore.
 *
 *   draft ──submit──▶ submitted ──publish──▶ published ──archive──▶ archived
 *     ▲                  │  ▲                    ▲                      │
 *     └──withdraw────────┘  └──submit── changes_requested ◀─request-changes (from submitted)
 *                                         (editors may also publish a draft directly, and
 *                                          restore an archived resource by publishing it)
 */
import type { ResourceStatus } from './catalogue.table.ts';

export const ACTIONS = ['submit', 'withdraw', 'request-changes', 'publish', 'archive'] as const;
export type WorkflowAction = (typeof ACTIONS)[number];

/** What the actor may do, as the service works it out from their grants. */
export interface Powers {
  /** catalogue.review on the site: editors and administrators. */
  review: boolean;
  /** catalogue.submit for the resource's organisation (or site-wide). */
  submit: boolean;
}

const TRANSITIONS: Record<WorkflowAction, { from: readonly ResourceStatus[]; to: ResourceStatus }> =
  {
    submit: { from: ['draft', 'changes_requested'], to: 'submitted' },
    withdraw: { from: ['submitted'], to: 'draft' },
    'request-changes': { from: ['submitted'], to: 'changes_requested' },
    publish: { from: ['draft', 'submitted', 'changes_requested', 'archived'], to: 'published' },
    archive: { from: ['draft', 'submitted', 'changes_requested', 'published'], to: 'archived' },
  };

const EDITOR_ONLY: ReadonlySet<WorkflowAction> = new Set(['request-changes', 'publish', 'archive']);

export function isAction(value: string): value is WorkflowAction {
  return (ACTIONS as readonly string[]).includes(value);
}

export function nextStatus(action: WorkflowAction): ResourceStatus {
  return TRANSITIONS[action].to;
}

/** Whether the action applies to a resource in this status at all (whoever asks). */
export function canTransition(status: ResourceStatus, action: WorkflowAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** Whether these powers allow the action on a resource in this status. */
export function mayAct(powers: Powers, status: ResourceStatus, action: WorkflowAction): boolean {
  if (!canTransition(status, action)) return false;
  if (EDITOR_ONLY.has(action)) return powers.review;
  return powers.submit || powers.review;
}

/** The actions to offer, in a sensible order. */
export function availableActions(powers: Powers, status: ResourceStatus): WorkflowAction[] {
  return ACTIONS.filter((action) => mayAct(powers, status, action));
}

/**
 * Editors may edit in any state; representatives only while the resource is theirs to work on
 * (a draft, or sent back with changes requested), so a submitted text is the text reviewed.
 */
export function mayEdit(powers: Powers, status: ResourceStatus): boolean {
  if (powers.review) return true;
  return powers.submit && (status === 'draft' || status === 'changes_requested');
}

/** Asking for changes needs a note saying which. */
export function needsNote(action: WorkflowAction): boolean {
  return action === 'request-changes';
}

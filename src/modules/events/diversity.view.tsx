/**
 * The diversity checklist as the proposer sees it, rendered by the server and again, live, by the
 * editor's island. Labels arrive already translated, so this file needs no server code.
 */
import type { VNode } from 'preact';
import type { DiversityAssessment } from './diversity.ts';

export type DiversityLabels = Record<string, string>;

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));
}

export function DiversityPanel(props: {
  assessment: DiversityAssessment;
  labels: DiversityLabels;
}): VNode {
  const { assessment: a, labels: l } = props;
  return (
    <section class="diversity" aria-labelledby="diversity-title">
      <h2 id="diversity-title">{l.title}</h2>
      <p class="hint">{l.intro}</p>
      <p
        aria-live="polite"
        class={a.complete ? 'diversity-status met' : 'diversity-status missing'}
      >
        {a.complete ? l.complete : l.incomplete}
      </p>
      <ul class="checklist">
        {a.checklist.map((c) => (
          <li key={c.code} class={`check ${c.status}`}>
            <span class="check-mark" aria-hidden="true">
              {c.status === 'met' ? '✓' : c.status === 'missing' ? '✗' : '…'}
            </span>{' '}
            <strong>{l[`item.${c.code}`]}</strong>{' '}
            <span class="check-state">{l[`status.${c.status}`]}</span>
            <span class="check-detail">
              {' '}
              {c.status === 'withheld'
                ? fill(l[`withheld.${c.code}`] ?? '', { need: c.need, min: 5 })
                : fill(l[`detail.${c.code}`] ?? '', { need: c.need, have: c.have ?? 0 })}
            </span>
          </li>
        ))}
      </ul>
      <dl class="diversity-figures">
        <dt>{l.panelSize}</dt>
        <dd>{a.panelSize}</dd>
        <dt>{l.groups}</dt>
        <dd>{a.stakeholderGroups.map((g) => l[`group.${g}`] ?? g).join(', ') || '—'}</dd>
        <dt>{l.regions}</dt>
        <dd>{a.regionalGroups.map((g) => l[`region.${g}`] ?? g).join(', ') || '—'}</dd>
      </dl>
      <p class="hint">{l.privacy}</p>
    </section>
  );
}

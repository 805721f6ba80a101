/**
 * Live diversity in the proposal editor: reads the people rows of the form as the proposer types
 * and recomputes the checklist with the same pure function the server uses. Self-declared
 * attributes are not in the form at all; the server's privacy-safe summary comes in the props.
 */
import { useEffect, useState } from 'preact/hooks';
import { mountIsland } from './mount.tsx';
import {
  assessDiversity,
  type CountryFacts,
  type PanelFacts,
  type PrivateSummary,
} from '../../modules/events/diversity.ts';
import type { DiversityCriteria, PersonRole } from '../../modules/events/events.ts';
import { DiversityPanel, type DiversityLabels } from '../../modules/events/diversity.view.tsx';

interface Props {
  formId: string;
  countries: CountryFacts;
  criteria: DiversityCriteria;
  summary: PrivateSummary;
  /** Row prefix → role, e.g. "speaker-0" → "speaker". */
  rows: Record<string, PersonRole>;
  /** Saved status of each row (pending/confirmed/declined), by prefix. */
  statuses: Record<string, 'pending' | 'confirmed' | 'declined'>;
  labels: DiversityLabels;
  initial: PanelFacts[];
}

function read(form: HTMLFormElement, props: Props): PanelFacts[] {
  const data = new FormData(form);
  const people: PanelFacts[] = [];
  for (const [prefix, role] of Object.entries(props.rows)) {
    const name = String(data.get(`${prefix}.name`) ?? '').trim();
    if (!name) continue;
    people.push({
      role,
      stakeholderGroup: String(data.get(`${prefix}.stakeholderGroup`) ?? '') || null,
      country: String(data.get(`${prefix}.country`) ?? '') || null,
      status: props.statuses[prefix] ?? 'pending',
    });
  }
  return people;
}

function Diversity(props: Props) {
  const [people, setPeople] = useState<PanelFacts[]>(props.initial);
  useEffect(() => {
    const form = document.getElementById(props.formId) as HTMLFormElement | null;
    if (!form) return;
    const update = () => setPeople(read(form, props));
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    update();
    return () => {
      form.removeEventListener('input', update);
      form.removeEventListener('change', update);
    };
  }, []);
  const assessment = assessDiversity(people, props.countries, props.criteria, props.summary);
  return <DiversityPanel assessment={assessment} labels={props.labels} />;
}

mountIsland('diversity', Diversity);

import type { VNode } from 'preact';
import { useView } from '../../web/view.tsx';
import type { Organisation, OrganisationSection } from '../organisations/index.ts';
import { initiativesOfOrganisation } from './initiatives.service.ts';
import type { Initiative, ParticipantRole } from './initiatives.ts';
import { InitiativeSummary } from './initiatives.pages.tsx';

const ROLES: ParticipantRole[] = ['implementing', 'funding', 'partner', 'accountable', 'extending'];

function OrganisationInitiatives(props: {
  data: Initiative[];
  organisation: Organisation;
}): VNode | null {
  const view = useView();
  const { t } = view;
  const roleOf = (i: Initiative) =>
    i.participants.find((p) => p.organisationId === props.organisation.id)?.role;
  return (
    <section aria-labelledby="org-initiatives">
      <h2 id="org-initiatives">{t('initiatives.title')}</h2>
      {ROLES.map((role) => {
        const list = props.data.filter((i) => roleOf(i) === role);
        if (list.length === 0) return null;
        return (
          <div key={role}>
            <h3>{t(`initiatives.role.${role}`)}</h3>
            <ul class="results">
              {list.map((i) => (
                <InitiativeSummary key={i.id} item={i} />
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

/** The organisation profile's "initiatives" section (registered from this module's index). */
export const organisationInitiativesSection: OrganisationSection<Initiative[]> = {
  id: 'initiatives',
  order: 10,
  async load(ctx, organisation) {
    const list = await initiativesOfOrganisation(ctx, organisation.id);
    return list.length ? list : null;
  },
  Component: OrganisationInitiatives,
};

import type { VNode } from 'preact';
import type { ServiceContext } from '../../platform/context.ts';
import type { Organisation } from './organisations.ts';

/**
 * Extension point of the organisation profile page. Other modules add what they know about an
 * organisation (initiatives, resources, processes) without this module depending on them:
 *
 * INTEGRATION POINT (catalogue, processes): from your module's index.ts call
 *   addOrganisationSection({ id: 'resources', order: 30, load, Component })
 * `load` runs before rendering (null hides the section); `Component` renders it.
 */
export interface OrganisationSection<S> {
  id: string;
  order: number;
  load(ctx: ServiceContext, organisation: Organisation): Promise<S | null>;
  Component(props: { data: S; organisation: Organisation }): VNode | null;
}

const sections: Array<OrganisationSection<unknown>> = [];

export function addOrganisationSection<S>(section: OrganisationSection<S>): void {
  if (sections.some((s) => s.id === section.id)) return;
  sections.push(section as unknown as OrganisationSection<unknown>);
  sections.sort((a, b) => a.order - b.order);
}

export function organisationSections(): ReadonlyArray<OrganisationSection<unknown>> {
  return sections;
}

import type { VNode } from 'preact';
import type { ServiceContext } from '../../platform/context.ts';
import type { CountryProfile } from './countries.service.ts';

/**
 * Extension point of the country profile page.
 *
 * INTEGRATION POINT (catalogue): from the catalogue's index.ts call
 *   addCountrySection({ id: 'resources', order: 30, load, Component })
 * to list resources in the country's languages (profile.country.languages). Until then the page
 * links to a catalogue search in those languages.
 */
export interface CountrySection<S> {
  id: string;
  order: number;
  load(ctx: ServiceContext, profile: CountryProfile): Promise<S | null>;
  Component(props: { data: S; profile: CountryProfile }): VNode | null;
}

const sections: Array<CountrySection<unknown>> = [];

export function addCountrySection<S>(section: CountrySection<S>): void {
  if (sections.some((s) => s.id === section.id)) return;
  sections.push(section as unknown as CountrySection<unknown>);
  sections.sort((a, b) => a.order - b.order);
}

export function countrySections(): ReadonlyArray<CountrySection<unknown>> {
  return sections;
}

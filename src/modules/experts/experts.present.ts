import type { ExpertView } from './experts.ts';

/** A profile as the API answers it: hidden fields are null. */
export function presentExpert(view: ExpertView) {
  return {
    id: view.id,
    url: `/experts/${view.id}`,
    isDemo: view.isDemo,
    name: view.name,
    about: view.about,
    themes: view.themes,
    cmmDimensions: view.cmmDimensions,
    languages: view.languages,
    regions: view.regions,
    countries: view.countries,
    stakeholderGroup: view.stakeholderGroup,
    organisation: view.organisation,
    availableFor: view.availableFor,
    availabilityNote: view.availabilityNote,
    links: view.links,
    updatedAt: view.updatedAt.toISOString(),
  };
}

/**
 * schema.org JSON-LD for the kinds of pages the platform has, with the properties search engines
 * need for each type (see docs/awareness.md). Pages render them with <JsonLd data={…}/>.
 */

type Json = Record<string, unknown>;

export interface OrganizationInput {
  name: string;
  url?: string;
  alternateName?: string | null;
  description?: string | null;
  /** ISO 3166-1 alpha-2 country of the head office. */
  country?: string | null;
  sameAs?: string[];
}

export function organizationJsonLd(input: OrganizationInput): Json {
  return compact({
    '@type': 'Organization',
    name: input.name,
    url: input.url,
    alternateName: input.alternateName,
    description: input.description,
    address: input.country ? { '@type': 'PostalAddress', addressCountry: input.country } : null,
    sameAs: input.sameAs?.length ? input.sameAs : null,
  });
}

export interface CourseInput {
  name: string;
  description: string;
  url: string;
  provider: OrganizationInput;
  /** BCP 47 codes. */
  languages?: string[];
  free?: boolean;
  price?: number | null;
  currency?: string | null;
  /** "online", "onsite" or "blended". */
  mode?: 'online' | 'onsite' | 'blended';
  hours?: number | null;
  startDate?: string | null;
  endDate?: string | null;
  certificate?: boolean;
}

/** The values Google's course rich results accept. */
const COURSE_MODES = { online: 'Online', onsite: 'Onsite', blended: 'Blended' } as const;

export function courseJsonLd(input: CourseInput): Json {
  const instance =
    input.mode || input.hours || input.startDate
      ? compact({
          '@type': 'CourseInstance',
          courseMode: COURSE_MODES[input.mode ?? 'online'],
          courseWorkload: input.hours ? `PT${input.hours}H` : null,
          startDate: input.startDate,
          endDate: input.endDate,
        })
      : null;
  const offer =
    input.free || (input.price != null && input.currency)
      ? compact({
          '@type': 'Offer',
          category: input.free ? 'Free' : 'Paid',
          price: input.free ? 0 : input.price,
          priceCurrency: input.free ? (input.currency ?? 'USD') : input.currency,
        })
      : null;
  return compact({
    '@type': 'Course',
    name: input.name,
    description: input.description,
    url: input.url,
    provider: organizationJsonLd(input.provider),
    inLanguage: input.languages?.length ? input.languages : null,
    isAccessibleForFree: input.free ?? null,
    hasCourseInstance: instance ? [instance] : null,
    offers: offer ? [offer] : null,
    educationalCredentialAwarded: input.certificate ? 'Certificate' : null,
  });
}

export interface EventInput {
  name: string;
  description?: string | null;
  url: string;
  /** ISO 8601 with offset. */
  startDate: string;
  endDate?: string | null;
  /** A venue, an online address, or both (hybrid). */
  venue?: { name: string; city?: string | null; country: string } | null;
  onlineUrl?: string | null;
  organizer?: OrganizationInput | null;
  cancelled?: boolean;
  languages?: string[];
}

const SCHEMA = 'https://schema.org/';

export function eventJsonLd(input: EventInput): Json {
  const place = input.venue
    ? compact({
        '@type': 'Place',
        name: input.venue.name,
        address: compact({
          '@type': 'PostalAddress',
          addressLocality: input.venue.city,
          addressCountry: input.venue.country,
        }),
      })
    : null;
  const virtual = input.onlineUrl ? { '@type': 'VirtualLocation', url: input.onlineUrl } : null;
  const locations = [place, virtual].filter(Boolean);
  const mode =
    place && virtual
      ? 'MixedEventAttendanceMode'
      : virtual
        ? 'OnlineEventAttendanceMode'
        : 'OfflineEventAttendanceMode';
  return compact({
    '@type': 'Event',
    name: input.name,
    description: input.description,
    url: input.url,
    startDate: input.startDate,
    endDate: input.endDate,
    eventAttendanceMode: `${SCHEMA}${mode}`,
    eventStatus: `${SCHEMA}${input.cancelled ? 'EventCancelled' : 'EventScheduled'}`,
    location: locations.length === 1 ? locations[0] : locations,
    organizer: input.organizer ? organizationJsonLd(input.organizer) : null,
    inLanguage: input.languages?.length ? input.languages : null,
  });
}

export interface CreativeWorkInput {
  /** "CreativeWork" or a more precise subtype such as "Report" or "Article". */
  type?: 'CreativeWork' | 'Report' | 'Article' | 'LearningResource';
  name: string;
  description?: string | null;
  url: string;
  publisher?: OrganizationInput | null;
  datePublished?: string | null;
  dateModified?: string | null;
  languages?: string[];
  free?: boolean;
}

export function creativeWorkJsonLd(input: CreativeWorkInput): Json {
  return compact({
    '@type': input.type ?? 'CreativeWork',
    name: input.name,
    description: input.description,
    url: input.url,
    publisher: input.publisher ? organizationJsonLd(input.publisher) : null,
    datePublished: input.datePublished,
    dateModified: input.dateModified,
    inLanguage: input.languages?.length ? input.languages : null,
    isAccessibleForFree: input.free ?? null,
  });
}

/** Drops null and undefined properties: schema.org wants absent, not empty, values. */
function compact(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== null && value !== undefined),
  );
}

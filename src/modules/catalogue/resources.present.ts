/** Rows → the domain `Resource`, and `Resource` → the API's JSON in a reader's language. */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { ResourceRow } from './resources.repository.ts';
import { pickText, type Resource, type ResourceInput } from './resources.ts';

export function toResource(
  row: ResourceRow,
  providers: ReadonlyArray<{ name: string; organisationId: string | null }>,
  organisationSlugs: ReadonlyMap<string, string>,
): Resource {
  return {
    id: row.id,
    slug: row.slug,
    externalId: row.external_id,
    status: row.status,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    description: row.description,
    descriptionLanguage: row.description_language,
    url: row.url,
    providers: providers.map((p) => ({
      name: p.name,
      organisationSlug: p.organisationId ? (organisationSlugs.get(p.organisationId) ?? null) : null,
    })),
    themes: row.themes,
    audiences: row.audiences,
    level: row.level,
    format: row.format,
    registration: row.registration,
    cost: row.cost,
    price: row.price === null ? null : Number(row.price),
    currency: row.currency,
    eligibility: row.eligibility,
    durationHours: row.duration_hours === null ? null : Number(row.duration_hours),
    languages: row.languages,
    regions: row.regions,
    countries: row.countries,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    enrolBy: row.enrol_by,
    certificate: row.certificate,
    accessibility: row.accessibility,
    verifiedAt: row.verified_at,
    organisationId: row.organisation_id,
    revision: row.revision,
    reviewNote: row.review_note,
    link: {
      status: row.link_status,
      httpStatus: row.link_http_status,
      location: row.link_location,
      error: row.link_error,
      checkedAt: row.link_checked_at,
    },
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
  };
}

/** The editable fields of a resource, as a form or a PATCH starts from. */
export function inputOf(resource: Resource): ResourceInput {
  return {
    externalId: resource.externalId,
    slug: resource.slug,
    kind: resource.kind,
    title: resource.title,
    summary: resource.summary,
    description: resource.description,
    descriptionLanguage: resource.descriptionLanguage,
    url: resource.url,
    providers: resource.providers.map((p) => p.name),
    themes: resource.themes,
    audiences: resource.audiences,
    level: resource.level,
    format: resource.format,
    registration: resource.registration,
    cost: resource.cost,
    price: resource.price,
    currency: resource.currency,
    eligibility: resource.eligibility,
    durationHours: resource.durationHours,
    languages: resource.languages,
    regions: resource.regions,
    countries: resource.countries,
    startsOn: resource.startsOn,
    endsOn: resource.endsOn,
    enrolBy: resource.enrolBy,
    certificate: resource.certificate,
    accessibility: resource.accessibility,
    verifiedAt: resource.verifiedAt,
  };
}

export function resourcePath(slug: string): string {
  return `/resources/${slug}`;
}

/** A resource as the API answers it, title and summary in the reader's language. */
export function toJson(resource: Resource, locale: string, highlight?: string | null) {
  const title = pickText(resource.title, locale);
  const summary = pickText(resource.summary, locale);
  const languages = [
    ...new Set([...Object.keys(resource.title), ...Object.keys(resource.summary)]),
  ];
  return {
    id: resource.id,
    slug: resource.slug,
    path: resourcePath(resource.slug),
    externalId: resource.externalId,
    status: resource.status,
    kind: resource.kind,
    title: title?.text ?? resource.slug,
    titleLanguage: title?.language ?? null,
    summary: summary?.text ?? '',
    texts: Object.fromEntries(
      languages.map((lang) => [
        lang,
        { title: resource.title[lang] ?? null, summary: resource.summary[lang] ?? null },
      ]),
    ),
    description: resource.description,
    url: resource.url,
    providers: resource.providers.map((p) => ({ name: p.name, organisation: p.organisationSlug })),
    themes: resource.themes,
    audiences: resource.audiences,
    level: resource.level,
    format: resource.format,
    registration: resource.registration,
    cost: resource.cost,
    price: resource.price,
    currency: resource.currency,
    eligibility: resource.eligibility,
    durationHours: resource.durationHours,
    languages: resource.languages,
    regions: resource.regions,
    countries: resource.countries,
    startsOn: resource.startsOn,
    endsOn: resource.endsOn,
    enrolBy: resource.enrolBy,
    certificate: resource.certificate,
    accessibility: resource.accessibility,
    verifiedAt: resource.verifiedAt,
    linkStatus: resource.link.status,
    updatedAt: resource.updatedAt.toISOString(),
    publishedAt: resource.publishedAt?.toISOString() ?? null,
    ...(highlight !== undefined ? { highlight } : {}),
  };
}
export type ResourceJson = ReturnType<typeof toJson>;

const markdown = new Marked({ gfm: true, breaks: false });

/** Markdown → HTML with only harmless tags kept (descriptions come from many hands). */
export function renderMarkdown(source: string): string {
  const html = markdown.parse(source, { async: false });
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'strong',
      'em',
      'ul',
      'ol',
      'li',
      'a',
      'code',
      'pre',
      'blockquote',
      'h3',
      'h4',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: { a: ['href', 'title', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener' }),
      h1: 'h3',
      h2: 'h3',
    },
  });
}

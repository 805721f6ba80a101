/**
 * A small checker of schema.org JSON-LD: for each type the platform claims (Course, Event,
 * Organization, CreativeWork and the types nested in them) the properties search engines require,
 * and the form of the values (absolute URLs, ISO 8601 dates, enumeration members). It reads
 * JSON-LD out of HTML the way a crawler does: every <script type="application/ld+json">.
 */

type Node = Record<string, unknown>;

interface TypeRule {
  /** Each entry is required; "a|b" means one of them. */
  required: string[];
  /** Property → the types its object values may have. */
  nested?: Record<string, string[]>;
  urls?: string[];
  dates?: string[];
  enums?: Record<string, string[]>;
}

const CREATIVE_WORK: TypeRule = {
  required: ['name|headline', 'url'],
  nested: { publisher: ['Organization'], author: ['Organization', 'Person'] },
  urls: ['url'],
  dates: ['datePublished', 'dateModified'],
};

export const RULES: Record<string, TypeRule> = {
  Organization: {
    required: ['name'],
    nested: { address: ['PostalAddress'] },
    urls: ['url', 'sameAs', 'logo'],
  },
  Person: { required: ['name'] },
  PostalAddress: { required: ['addressCountry'] },
  Place: { required: ['name', 'address'], nested: { address: ['PostalAddress'] } },
  VirtualLocation: { required: ['url'], urls: ['url'] },
  Course: {
    required: ['name', 'description', 'provider'],
    nested: {
      provider: ['Organization'],
      hasCourseInstance: ['CourseInstance'],
      offers: ['Offer'],
    },
    urls: ['url'],
  },
  CourseInstance: {
    required: ['courseMode'],
    dates: ['startDate', 'endDate'],
    enums: { courseMode: ['Online', 'Onsite', 'Blended'] },
  },
  Offer: {
    required: ['category|price'],
    enums: { category: ['Free', 'Partially Free', 'Subscription', 'Paid'] },
  },
  Event: {
    required: ['name', 'startDate', 'location'],
    nested: {
      location: ['Place', 'VirtualLocation'],
      organizer: ['Organization', 'Person'],
    },
    urls: ['url'],
    dates: ['startDate', 'endDate'],
    enums: {
      eventAttendanceMode: [
        'https://schema.org/OfflineEventAttendanceMode',
        'https://schema.org/OnlineEventAttendanceMode',
        'https://schema.org/MixedEventAttendanceMode',
      ],
      eventStatus: [
        'https://schema.org/EventScheduled',
        'https://schema.org/EventCancelled',
        'https://schema.org/EventPostponed',
        'https://schema.org/EventRescheduled',
        'https://schema.org/EventMovedOnline',
      ],
    },
  },
  CreativeWork: CREATIVE_WORK,
  Report: CREATIVE_WORK,
  Article: CREATIVE_WORK,
  LearningResource: CREATIVE_WORK,
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function present(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim().length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function isAbsoluteUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Problems of one node (and the nodes in it), each as "path: message". */
export function checkNode(node: Node, path = '$', topLevel = true): string[] {
  const problems: string[] = [];
  if (topLevel && node['@context'] !== 'https://schema.org') {
    problems.push(`${path}: @context must be https://schema.org`);
  }
  const type = node['@type'];
  if (typeof type !== 'string') return [...problems, `${path}: @type is missing`];
  const rule = RULES[type];
  if (!rule) return [...problems, `${path}: no rule for type ${type}`];
  for (const required of rule.required) {
    if (!required.split('|').some((p) => present(node[p]))) {
      problems.push(`${path}: ${type} needs ${required.replace('|', ' or ')}`);
    }
  }
  for (const prop of rule.urls ?? []) {
    for (const value of asArray(node[prop])) {
      if (!isAbsoluteUrl(value))
        problems.push(`${path}.${prop}: not an absolute URL: ${String(value)}`);
    }
  }
  for (const prop of rule.dates ?? []) {
    const value = node[prop];
    if (
      value !== undefined &&
      (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value)))
    ) {
      problems.push(`${path}.${prop}: not an ISO 8601 date: ${String(value)}`);
    }
  }
  for (const [prop, allowed] of Object.entries(rule.enums ?? {})) {
    const value = node[prop];
    if (value !== undefined && !allowed.includes(String(value))) {
      problems.push(`${path}.${prop}: ${String(value)} is not one of ${allowed.join(', ')}`);
    }
  }
  for (const [prop, types] of Object.entries(rule.nested ?? {})) {
    asArray(node[prop]).forEach((value, i) => {
      const at = Array.isArray(node[prop]) ? `${path}.${prop}[${i}]` : `${path}.${prop}`;
      if (!value || typeof value !== 'object') {
        problems.push(`${at}: must be an object of type ${types.join(' or ')}`);
        return;
      }
      const nestedType = (value as Node)['@type'];
      if (typeof nestedType !== 'string' || !types.includes(nestedType)) {
        problems.push(`${at}: type ${String(nestedType)} is not ${types.join(' or ')}`);
        return;
      }
      problems.push(...checkNode(value as Node, at, false));
    });
  }
  return problems;
}

/** Every JSON-LD block of an HTML document, parsed. Throws on a block that is not JSON. */
export function extractJsonLd(html: string): Node[] {
  const blocks: Node[] = [];
  const pattern = /<script\b[^>]*type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/gi;
  for (const match of html.matchAll(pattern)) {
    const parsed = JSON.parse(match[1]!) as Node | Node[];
    blocks.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }
  return blocks;
}

/**
 * IATI activity XML (standard 2.03) to and from initiatives, without I/O. Validation against the
 * schema is in iati.service.ts. Mapping:
 * - iati-identifier ↔ externalId (our own initiatives get "XI-CAPACITY-COMMONS-<slug>");
 * - title/description narratives ↔ title, description and translations (xml:lang);
 * - participating-org @role 1 funding, 2 accountable, 3 extending, 4 implementing (partners are
 *   role 4 with cc:role="partner"; directory organisations carry cc:organisation="<slug>");
 * - activity-status ↔ status; activity-date 1/2 start, 3/4 end;
 * - recipient-country ↔ countries; recipient-region vocabulary 2 (UN M49) ↔ regions;
 * - sector vocabulary 99 (ours) ↔ themes, tag vocabulary 99 ↔ CMM dimensions; other files' themes
 *   are inferred from their text when they carry none of ours;
 * - budget ↔ budget and currency; document-link ↔ links; cc:outputs ↔ outputs.
 */
import { XMLParser } from 'fast-xml-parser';
import type { FieldError } from '../../../platform/errors.ts';
import { TAXONOMIES } from '../../reference/index.ts';
import type { Initiative, ParticipantRole } from '../initiatives.ts';
import { inferThemes } from '../initiatives.ts';

export const IATI_VERSION = '2.03';
export const IATI_PREFIX = 'XI-CAPACITY-COMMONS';
export const CC_NAMESPACE = 'urn:capacity-commons:iati';

const ROLE_CODES: Record<ParticipantRole, string> = {
  funding: '1',
  accountable: '2',
  extending: '3',
  implementing: '4',
  partner: '4',
};
const CODE_ROLES: Record<string, ParticipantRole> = {
  '1': 'funding',
  '2': 'accountable',
  '3': 'extending',
  '4': 'implementing',
};
const STATUS_TO_IATI = new Map(TAXONOMIES.activityStatus.map((s) => [s.code, s.extra.iati]));
const IATI_TO_STATUS = new Map(TAXONOMIES.activityStatus.map((s) => [s.extra.iati, s.code]));

export interface RegionCode {
  slug: string;
  m49: string;
}

function esc(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 forbids.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

function narratives(
  main: string,
  language: string,
  others: Array<[string, string | undefined]>,
): string {
  const out = [`<narrative xml:lang="${esc(language)}">${esc(main)}</narrative>`];
  for (const [lang, text] of others)
    if (text) out.push(`<narrative xml:lang="${esc(lang)}">${esc(text)}</narrative>`);
  return out.join('');
}

export interface ExportOptions {
  generatedAt: Date;
  baseUrl: string;
  regions: readonly RegionCode[];
}

/** Our initiatives as one iati-activities document. Initiatives without a start date are left out. */
export function initiativesToIati(list: readonly Initiative[], options: ExportOptions): string {
  const m49 = new Map(options.regions.map((r) => [r.slug, r.m49]));
  const vocabularyUri = `${options.baseUrl}/api/v1/reference/taxonomies`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<iati-activities version="${IATI_VERSION}" generated-datetime="${options.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}" xmlns:cc="${CC_NAMESPACE}">`,
  ];
  let skipped = 0;
  for (const i of list) {
    if (!i.startsOn || i.participants.length === 0) {
      skipped++;
      continue;
    }
    const identifier = i.externalId ?? `${IATI_PREFIX}-${i.slug}`;
    const others = Object.entries(i.translations);
    const a: string[] = [];
    a.push(
      `<iati-activity xml:lang="${esc(i.language)}" last-updated-datetime="${i.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')}"${i.currency ? ` default-currency="${esc(i.currency)}"` : ''} cc:slug="${esc(i.slug)}">`,
    );
    a.push(`<iati-identifier>${esc(identifier)}</iati-identifier>`);
    a.push(
      `<reporting-org ref="${IATI_PREFIX}" type="90" secondary-reporter="1"><narrative>Capacity Commons</narrative></reporting-org>`,
    );
    a.push(
      `<title>${narratives(
        i.title,
        i.language,
        others.map(([l, t]) => [l, t.title]),
      )}</title>`,
    );
    a.push(
      `<description type="1">${narratives(
        i.description,
        i.language,
        others.map(([l, t]) => [l, t.description]),
      )}</description>`,
    );
    for (const p of i.participants) {
      const attrs = [
        p.ref ? `ref="${esc(p.ref)}"` : '',
        `role="${ROLE_CODES[p.role]}"`,
        p.role === 'partner' ? 'cc:role="partner"' : '',
        p.slug ? `cc:organisation="${esc(p.slug)}"` : '',
      ].filter(Boolean);
      a.push(
        `<participating-org ${attrs.join(' ')}><narrative>${esc(p.name)}</narrative></participating-org>`,
      );
    }
    a.push(`<activity-status code="${STATUS_TO_IATI.get(i.status as never) ?? '2'}"/>`);
    const started = i.status !== 'pipeline';
    const ended = i.status === 'completion' || i.status === 'post-completion';
    a.push(`<activity-date type="${started ? '2' : '1'}" iso-date="${i.startsOn}"/>`);
    if (i.endsOn) a.push(`<activity-date type="${ended ? '4' : '3'}" iso-date="${i.endsOn}"/>`);
    for (const c of i.countries) a.push(`<recipient-country code="${esc(c)}"/>`);
    for (const r of i.regions) {
      const code = m49.get(r);
      if (code) a.push(`<recipient-region code="${code}" vocabulary="2"/>`);
    }
    for (const theme of i.themes) {
      const label = TAXONOMIES.theme.find((t) => t.code === theme)?.label ?? theme;
      a.push(
        `<sector vocabulary="99" vocabulary-uri="${esc(vocabularyUri)}" code="${esc(theme)}"><narrative>${esc(label)}</narrative></sector>`,
      );
    }
    for (const dim of i.cmm) {
      const label = TAXONOMIES.cmmDimension.find((t) => t.code === dim)?.label ?? dim;
      a.push(
        `<tag vocabulary="99" vocabulary-uri="${esc(vocabularyUri)}" code="cmm:${esc(dim)}"><narrative>${esc(label)}</narrative></tag>`,
      );
    }
    if (i.budget !== null && i.currency) {
      const end = i.endsOn ?? i.startsOn;
      a.push(
        `<budget type="1" status="1"><period-start iso-date="${i.startsOn}"/><period-end iso-date="${end}"/><value currency="${esc(i.currency)}" value-date="${i.startsOn}">${i.budget}</value></budget>`,
      );
    }
    for (const link of i.links) {
      a.push(
        `<document-link url="${esc(link)}" format="text/html"><title><narrative>${esc(i.title)}</narrative></title><category code="A01"/></document-link>`,
      );
    }
    if (i.outputs.length) {
      a.push(
        `<cc:outputs>${i.outputs.map((o) => `<cc:output>${esc(o)}</cc:output>`).join('')}</cc:outputs>`,
      );
    }
    a.push('</iati-activity>');
    lines.push(a.join('\n'));
  }
  if (skipped)
    lines.push(`<!-- ${skipped} initiative(s) without a start date or organisation left out -->`);
  lines.push('</iati-activities>');
  return `${lines.join('\n')}\n`;
}

type Node = Record<string, unknown>;

const ARRAYS = new Set([
  'iati-activity',
  'narrative',
  'description',
  'participating-org',
  'activity-date',
  'recipient-country',
  'recipient-region',
  'sector',
  'tag',
  'budget',
  'document-link',
  'cc:output',
  'title',
]);

function asArray(value: unknown): Node[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node).trim();
  const n = node as Node;
  return typeof n['#text'] === 'string' || typeof n['#text'] === 'number'
    ? String(n['#text']).trim()
    : '';
}

/** Narratives of an element by language (a bare text, as in IATI 1.x, counts for `fallback`). */
function byLanguage(element: unknown, fallback: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const el of asArray(element)) {
    const list = asArray(el.narrative);
    if (list.length === 0 && textOf(el)) out.set(String(el['@xml:lang'] ?? fallback), textOf(el));
    for (const n of list) {
      const lang = String((n as Node)['@xml:lang'] ?? fallback)
        .slice(0, 2)
        .toLowerCase();
      const text = textOf(n).replace(/\s+/g, ' ');
      if (text && !out.has(lang)) out.set(lang, text);
    }
  }
  return out;
}

export interface ParsedIati {
  records: Array<Record<string, unknown>>;
  problems: FieldError[];
}

/** Initiatives (as import records) from an IATI activities file, one per iati-activity. */
export function parseIati(xml: string, regions: readonly RegionCode[]): ParsedIati {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => ARRAYS.has(name),
  });
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (error) {
    return {
      records: [],
      problems: [{ path: '/', message: `Not well-formed XML: ${(error as Error).message}` }],
    };
  }
  const root = (doc['iati-activities'] as Node | undefined) ?? {
    'iati-activity': doc['iati-activity'],
  };
  const activities = asArray(root['iati-activity']);
  if (activities.length === 0) {
    return { records: [], problems: [{ path: '/', message: 'No iati-activity elements found.' }] };
  }
  const bySlugM49 = new Map(regions.map((r) => [r.m49, r.slug]));
  const themeCodes = new Set<string>(TAXONOMIES.theme.map((t) => t.code));
  const cmmCodes = new Set<string>(TAXONOMIES.cmmDimension.map((t) => t.code));
  const records = activities.map((a) => {
    const defaultLang = String(a['@xml:lang'] ?? 'en')
      .slice(0, 2)
      .toLowerCase();
    const identifier = textOf(a['iati-identifier']);
    const titles = byLanguage(a.title, defaultLang);
    const general = asArray(a.description).filter((d) => !d['@type'] || d['@type'] === '1');
    const descriptions = byLanguage(general.length ? general : a.description, defaultLang);
    const language = titles.has(defaultLang) ? defaultLang : ([...titles.keys()][0] ?? defaultLang);
    const translations: Record<string, { title?: string; description?: string }> = {};
    for (const [lang, text] of titles) if (lang !== language) translations[lang] = { title: text };
    for (const [lang, text] of descriptions)
      if (lang !== language) translations[lang] = { ...translations[lang], description: text };

    const participants = asArray(a['participating-org']).map((p) => {
      const names = byLanguage(p, defaultLang);
      const name = names.get(language) ?? [...names.values()][0] ?? String(p['@ref'] ?? '');
      const role =
        p['@cc:role'] === 'partner'
          ? 'partner'
          : (CODE_ROLES[String(p['@role'])] ?? String(p['@role']));
      return {
        role,
        organisation: typeof p['@cc:organisation'] === 'string' ? p['@cc:organisation'] : null,
        name,
        ref: typeof p['@ref'] === 'string' && p['@ref'] ? p['@ref'] : null,
      };
    });
    const dates = asArray(a['activity-date']);
    const dateOf = (...types: string[]) => {
      for (const type of types) {
        const found = dates.find((d) => String(d['@type']) === type && d['@iso-date']);
        if (found) return String(found['@iso-date']).slice(0, 10);
      }
      return null;
    };
    const statusCode = String((a['activity-status'] as Node | undefined)?.['@code'] ?? '');
    const ourVocabulary = (el: Node) => String(el['@vocabulary'] ?? '') === '99';
    let themes = asArray(a.sector)
      .filter(ourVocabulary)
      .map((s) => String(s['@code']))
      .filter((c) => themeCodes.has(c));
    const title = titles.get(language) ?? '';
    const description = descriptions.get(language) ?? '';
    if (themes.length === 0) themes = inferThemes(`${title} ${description}`);
    const cmm = asArray(a.tag)
      .filter(ourVocabulary)
      .map((t) => String(t['@code']).replace(/^cmm:/, ''))
      .filter((c) => cmmCodes.has(c));
    const budgets = asArray(a.budget)
      .map((b) => b.value as Node | undefined)
      .filter((v): v is Node => !!v);
    const currency =
      (budgets[0]?.['@currency'] as string | undefined) ??
      (a['@default-currency'] as string | undefined) ??
      null;
    const sameCurrency = budgets.every(
      (v) => (v['@currency'] ?? a['@default-currency']) === currency,
    );
    const budget =
      budgets.length && sameCurrency
        ? budgets.reduce((sum, v) => sum + Number(textOf(v)), 0)
        : null;
    const ours = identifier.startsWith(`${IATI_PREFIX}-`);
    const outputs = asArray((a['cc:outputs'] as Node | undefined)?.['cc:output'])
      .map(textOf)
      .filter(Boolean);
    return {
      externalId: ours ? null : identifier || null,
      slug: ours
        ? identifier.slice(IATI_PREFIX.length + 1)
        : ((a['@cc:slug'] as string | undefined) ?? null),
      title: title,
      description: description,
      language,
      translations,
      participants,
      countries: asArray(a['recipient-country']).map((c) => String(c['@code'] ?? '')),
      regions: asArray(a['recipient-region'])
        .filter((r) => String(r['@vocabulary'] ?? '1') === '2')
        .map(
          (r) => bySlugM49.get(String(r['@code']).padStart(3, '0')) ?? `m49:${String(r['@code'])}`,
        ),
      themes,
      cmm,
      startsOn: dateOf('2', '1'),
      endsOn: dateOf('4', '3'),
      status:
        IATI_TO_STATUS.get(statusCode as never) ??
        (statusCode ? `iati:${statusCode}` : 'implementation'),
      budget: budget !== null && Number.isFinite(budget) ? budget : null,
      currency: budget !== null ? currency : null,
      outputs,
      links: asArray(a['document-link'])
        .map((d) => String(d['@url'] ?? ''))
        .filter(Boolean),
    };
  });
  return { records, problems: [] };
}

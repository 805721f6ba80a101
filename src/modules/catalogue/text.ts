/**
 * Text analysis done in the application before PostgreSQL's full-text search sees the text:
 * choosing the search configuration per language, splitting Chinese/Japanese/Korean runs into
 * overlapping bigrams (PostgreSQL has no segmenter for them), words for typo correction, and
 * turning ts_headline output into safe HTML.
 */

/** Text search configurations made by migration 0200: stemmed and accent-folded. */
const CONFIGS: Record<string, string> = {
  en: 'cc_english',
  fr: 'cc_french',
  es: 'cc_spanish',
  ru: 'cc_russian',
  ar: 'cc_arabic',
};
export const SIMPLE_CONFIG = 'cc_simple';
/** Every configuration a query is tried in (a query's language is not known). */
export const ALL_CONFIGS = [...Object.values(CONFIGS), SIMPLE_CONFIG];

export function configFor(language: string | null | undefined): string {
  return (language && CONFIGS[language]) || SIMPLE_CONFIG;
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/gu;

/** "网络安全" → " 网络 络安 安全 ": overlapping bigrams, so that any two-character word matches. */
export function cjkBigrams(text: string): string {
  return text.replace(CJK, (run) => {
    const chars = [...run];
    if (chars.length === 1) return ` ${run} `;
    const grams: string[] = [];
    for (let i = 0; i < chars.length - 1; i++) grams.push(`${chars[i]}${chars[i + 1]}`);
    return ` ${grams.join(' ')} `;
  });
}

export function hasCjk(text: string): boolean {
  CJK.lastIndex = 0;
  const found = CJK.test(text);
  CJK.lastIndex = 0;
  return found;
}

/** Lower case with accents removed (close to PostgreSQL's unaccent for Latin scripts). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The words of a text, folded; CJK text is left out (bigrams are not words to correct). */
export function words(text: string): string[] {
  return fold(text)
    .replace(CJK, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Words worth keeping for typo correction: letters only, 4 to 40 of them. */
export function vocabulary(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const word of words(text)) {
      if (word.length >= 4 && word.length <= 40 && /^\p{L}+$/u.test(word)) out.add(word);
    }
  }
  return [...out];
}

/** A query ready for websearch_to_tsquery: bigrams for CJK, length bounded. */
export function prepareQuery(q: string): string {
  return cjkBigrams(q.normalize('NFC')).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The same terms with "or" between them: any term may match (the fallback for long queries). */
export function anyTermQuery(prepared: string): string {
  const terms = prepared
    .replace(/["()]/g, ' ')
    .split(' ')
    .map((t) => t.replace(/^-+/, ''))
    .filter((t) => t && t.toLowerCase() !== 'or');
  return terms.join(' or ');
}

/** Replaces words of a query (e.g. corrected spellings), keeping everything else as typed. */
export function replaceWords(q: string, replacements: ReadonlyMap<string, string>): string {
  return q.replace(/[\p{L}\p{M}\p{N}]+/gu, (word) => replacements.get(fold(word)) ?? word);
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Markers ts_headline puts around matches; control characters never found in stored text. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

/** ts_headline output → HTML: everything escaped, only the matches wrapped in <mark>. */
export function highlightHtml(headline: string): string {
  // Other control characters have no business in the passage (and could fake a marker).
  // eslint-disable-next-line no-control-regex
  return escapeHtml(headline.replace(/[\u0000\u0001\u0004-\u0008]/g, ''))
    .replaceAll(MARK_START, '<mark>')
    .replaceAll(MARK_END, '</mark>');
}

/** Whether a highlight marks anything at all. */
export function hasMarks(headline: string): boolean {
  return headline.includes(MARK_START);
}

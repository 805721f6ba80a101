/**
 * Equivalent terms of the field, so that a search for one finds resources written with another:
 * practitioners say "incident response" where providers write "CSIRT", "CERT" or "incident
 * handling". Each group lists interchangeable phrases (folded: lower case, no accents). A query
 * containing one phrase of a group is also run with each other phrase in its place; the variants
 * are OR-ed, and resources matching the words typed still rank first (they match more terms).
 */
import { fold } from './text.ts';

export const SYNONYMS: readonly (readonly string[])[] = [
  ['incident response', 'incident handling', 'csirt', 'cert'],
  ['csirt', 'cert', 'cirt', 'computer emergency response team', 'incident response team'],
  ['cybercrime', 'cyber crime', 'computer crime'],
  ['cyber diplomacy', 'cyberdiplomacy', 'digital diplomacy'],
  ['diplomacia', 'ciberdiplomacia'],
  ['diplomatie', 'cyberdiplomatie'],
  ['confidence building measures', 'cbms', 'cbm'],
  ['international humanitarian law', 'ihl', 'law of armed conflict'],
  ['oewg', 'open ended working group'],
  ['gge', 'group of governmental experts'],
  ['data protection', 'privacy', 'personal data'],
  ['critical infrastructure', 'critical information infrastructure', 'ciip'],
];

/** Most variants a query expands to (each is one more tsquery to OR). */
const MAX_VARIANTS = 6;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The query's variants with synonyms in place of the phrases found, the query itself first.
 * Matching is on folded whole words; the variants are folded text (the search folds anyway).
 */
export function expandSynonyms(query: string): string[] {
  const folded = fold(query).replace(/[-‐]/g, ' ');
  const variants = [query];
  for (const group of SYNONYMS) {
    for (const phrase of group) {
      const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escape(phrase)}(?=$|[^\\p{L}\\p{N}])`, 'u');
      if (!pattern.test(folded)) continue;
      for (const other of group) {
        if (other === phrase || variants.length >= MAX_VARIANTS) continue;
        variants.push(folded.replace(pattern, `$1${other}`));
      }
      break;
    }
  }
  return [...new Set(variants)];
}

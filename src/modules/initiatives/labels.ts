import { countryName, TAXONOMIES } from '../reference/index.ts';
import type { OverlapReasons, OverlapView } from './overlap.service.ts';

type T = (key: string, values?: Record<string, string | number>) => string;

/** A message, or the English label when the catalogue has none for this code. */
export function labelOr(t: T, key: string, fallback: string): string {
  const text = t(key);
  return text === key ? fallback : text;
}

export function themeLabel(t: T, code: string): string {
  const term = TAXONOMIES.theme.find((x) => x.code === code);
  return labelOr(t, `initiatives.theme.${code}`, term?.label ?? code);
}

export function listText(items: readonly string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

export function periodText(from: string | null, to: string | null): string {
  const a = from?.slice(0, 4);
  const b = to?.slice(0, 4);
  if (a && b) return a === b ? a : `${a}–${b}`;
  if (a) return `${a}–`;
  if (b) return `–${b}`;
  return '';
}

/** The reasons of an overlap in words: "Both work on cybercrime in Ghana in 2024–2025", … */
export function reasonsText(reasons: OverlapReasons, t: T, locale: string): string[] {
  const themes = listText(
    reasons.themes.map((c) => themeLabel(t, c)),
    locale,
  );
  const countries = listText(
    reasons.countries.map((c) => countryName(c, locale)),
    locale,
  );
  const period = periodText(reasons.from, reasons.to);
  const out = [
    t('initiatives.overlap.reasonScope', {
      themes,
      countries: countries || '—',
      period: period ? t('initiatives.overlap.reasonPeriod', { period }) : '',
    }),
  ];
  let text = t('initiatives.overlap.reasonText', {
    percent: Math.round(reasons.textSimilarity * 100),
  });
  if (reasons.terms.length)
    text += `; ${t('initiatives.overlap.reasonTerms', { terms: reasons.terms.join(', ') })}`;
  out.push(text);
  if (reasons.timeOverlap > 0 && reasons.from && reasons.to) {
    out.push(
      t('initiatives.overlap.reasonTime', { percent: Math.round(reasons.timeOverlap * 100) }),
    );
  }
  return out;
}

export function overlapApi(o: OverlapView, t: T, locale: string) {
  return {
    id: o.id,
    a: o.a,
    b: o.b,
    score: o.score,
    likelyDuplicate: o.likelyDuplicate,
    reasons: reasonsText(o.reasons, t, locale),
    decision: o.decision,
    decisionNote: o.decisionNote,
  };
}

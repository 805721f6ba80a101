import { fileURLToPath } from 'node:url';
import {
  isLocale,
  loadCatalogue,
  type Catalogue,
  type Translate,
} from '../../platform/i18n/index.ts';

const LOCALES_DIR = fileURLToPath(new URL('../../web/locales/', import.meta.url));
let catalogue: Catalogue | null = null;

/** Messages for text made outside a request (digest mail, feeds): in the reader's language. */
export function translatorFor(locale: string): Translate {
  catalogue ??= loadCatalogue(LOCALES_DIR);
  return catalogue.translator(isLocale(locale) ? locale : 'en');
}

/** A label that is either a message key or plain text. */
export function labelText(t: Translate, label: string): string {
  return t(label);
}

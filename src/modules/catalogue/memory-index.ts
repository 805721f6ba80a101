/**
 * The search index held in memory, one slot per published resource: the lexemes of its search
 * and title vectors as posting lists (slot numbers), and the filter fields as typed columns.
 * Filled from `resource_index`, and brought up to date from its change log before every search
 * (search.memory.ts), so it answers exactly what the table holds at the version it has read.
 *
 * A changed resource gets a new slot and its old one is marked dead; postings are never edited,
 * dead slots are masked out. When dead slots outnumber live ones the owner builds a fresh index.
 */
import type { Bits, PostingSource } from './tsquery.ts';
import { hasBit, setBit } from './tsquery.ts';

/** A row of resource_index as the loader reads it (search.repository.ts: indexRows). */
export interface IndexRow {
  resourceId: string;
  kind: string;
  level: string | null;
  format: string;
  cost: string;
  themes: number;
  audiences: number;
  /** Comma-joined lists, as stored (their order is the facet value). */
  languages: string;
  regions: string;
  regionCodes: string;
  countries: string;
  durationHours: number | null;
  /** Days since 1970-01-01, or null. */
  endsOn: number | null;
  enrolBy: number | null;
  /** Lexemes of search_vector and title_vector, separated by U+0001. */
  lexemes: string;
  titleLexemes: string;
}

export const LEXEME_SEPARATOR = '\u0001';

/** Strings to small integers (0 stands for null). */
export class Dictionary {
  readonly values: Array<string | null> = [null];
  private readonly codes = new Map<string, number>();

  code(value: string | null): number {
    if (value === null) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  /** A table over codes: whether each value passes `test`. */
  table(test: (value: string) => boolean): Uint8Array {
    const table = new Uint8Array(this.values.length);
    this.values.forEach((v, code) => {
      if (v !== null && test(v)) table[code] = 1;
    });
    return table;
  }
}

class Postings {
  data = new Int32Array(4);
  length = 0;
  push(slot: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = slot;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array>(
  array: T,
  size: number,
): T {
  if (array.length >= size) return array;
  const grown = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  grown.set(array);
  return grown;
}

export class MemoryIndex {
  /** The resource_index_version this index reflects. */
  version = 0;
  size = 0;
  live = 0;
  readonly ids: string[] = [];
  private readonly slotOf = new Map<string, number>();
  alive: Bits = new Uint32Array(1);
  readonly dict = {
    kind: new Dictionary(),
    level: new Dictionary(),
    format: new Dictionary(),
    cost: new Dictionary(),
    list: new Dictionary(),
  };
  kind = new Uint8Array(16);
  level = new Uint8Array(16);
  format = new Uint8Array(16);
  cost = new Uint8Array(16);
  themes = new Int32Array(16);
  audiences = new Int32Array(16);
  languages = new Uint32Array(16);
  regions = new Uint32Array(16);
  regionCodes = new Uint32Array(16);
  countries = new Uint32Array(16);
  /** NaN for no duration. */
  hours = new Float32Array(16);
  /** Days since 1970-01-01; NO_DATE for none. */
  endsOn = new Int32Array(16);
  enrolBy = new Int32Array(16);
  private readonly search = new Map<string, Postings>();
  private readonly title = new Map<string, Postings>();

  /** Words of a slot set covering every slot (grows as slots are added). */
  get words(): number {
    return (this.size + 31) >>> 5;
  }

  get dead(): number {
    return this.size - this.live;
  }

  /** Adds or replaces a resource (a newer version takes a new slot). */
  put(row: IndexRow): void {
    this.remove(row.resourceId);
    const slot = this.size++;
    const n = this.size;
    this.alive = grow(this.alive, this.words);
    for (const name of [
      'kind',
      'level',
      'format',
      'cost',
      'themes',
      'audiences',
      'languages',
      'regions',
      'regionCodes',
      'countries',
      'hours',
      'endsOn',
      'enrolBy',
    ] as const) {
      (this as Record<typeof name, unknown>)[name] = grow(this[name], n);
    }
    this.ids[slot] = row.resourceId;
    this.slotOf.set(row.resourceId, slot);
    setBit(this.alive, slot);
    this.live++;
    this.kind[slot] = this.dict.kind.code(row.kind);
    this.level[slot] = this.dict.level.code(row.level);
    this.format[slot] = this.dict.format.code(row.format);
    this.cost[slot] = this.dict.cost.code(row.cost);
    this.themes[slot] = row.themes;
    this.audiences[slot] = row.audiences;
    this.languages[slot] = this.dict.list.code(row.languages);
    this.regions[slot] = this.dict.list.code(row.regions);
    this.regionCodes[slot] = this.dict.list.code(row.regionCodes);
    this.countries[slot] = this.dict.list.code(row.countries);
    this.hours[slot] = row.durationHours ?? Number.NaN;
    this.endsOn[slot] = row.endsOn ?? NO_DATE;
    this.enrolBy[slot] = row.enrolBy ?? NO_DATE;
    addPostings(this.search, row.lexemes, slot);
    addPostings(this.title, row.titleLexemes, slot);
  }

  remove(resourceId: string): void {
    const slot = this.slotOf.get(resourceId);
    if (slot === undefined) return;
    this.slotOf.delete(resourceId);
    this.alive[slot >>> 5]! &= ~(1 << (slot & 31));
    this.live--;
  }

  isAlive(slot: number): boolean {
    return hasBit(this.alive, slot);
  }

  slot(resourceId: string): number | undefined {
    return this.slotOf.get(resourceId);
  }

  /** The lexeme lists of the search vectors (`title: false`) or of the title vectors. */
  source(title: boolean): PostingSource {
    const map = title ? this.title : this.search;
    return { words: this.words, postings: (lexeme) => map.get(lexeme)?.view() };
  }

  /** How many slots (live or dead) list `lexeme` in their search vectors. */
  frequency(lexeme: string): number {
    return this.search.get(lexeme)?.length ?? 0;
  }

  /** Approximate bytes held (typed arrays and posting lists; strings not counted). */
  bytes(): number {
    let total = this.alive.byteLength + 4 * 13 * this.size;
    for (const map of [this.search, this.title])
      for (const p of map.values()) total += p.data.byteLength;
    return total;
  }
}

export const NO_DATE = -2147483648;

function addPostings(map: Map<string, Postings>, lexemes: string, slot: number): void {
  if (!lexemes) return;
  for (const lexeme of lexemes.split(LEXEME_SEPARATOR)) {
    let list = map.get(lexeme);
    if (!list) {
      list = new Postings();
      map.set(lexeme, list);
    }
    list.push(slot);
  }
}

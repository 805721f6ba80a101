/**
 * A PostgreSQL tsquery (its text form, as `websearch_to_tsquery(...)::text` prints it) parsed and
 * evaluated over in-memory match sets: one bit per index slot. The lexemes are PostgreSQL's own
 * (stemmed by the same configurations), so a query without phrases matches exactly what `@@` does.
 * Phrases (`<->`, from quoted or hyphenated words) need word positions, which are not kept in
 * memory: they are evaluated as AND — a superset — and the caller has PostgreSQL check that
 * superset. Weights (`:A`) and prefixes (`:*`) are never produced by the search form; a query
 * with them is not evaluated here at all.
 */

export type TsNode =
  | { op: 'lexeme'; lexeme: string; prefix: boolean; weights: string }
  | { op: 'not'; arg: TsNode }
  | { op: 'and' | 'or'; left: TsNode; right: TsNode }
  | { op: 'phrase'; left: TsNode; right: TsNode };

type Token =
  | { type: 'lexeme'; lexeme: string; prefix: boolean; weights: string }
  | { type: 'op'; value: '&' | '|' | '!' | '(' | ')' | 'phrase' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ') {
      i++;
    } else if (c === "'") {
      let lexeme = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated lexeme in tsquery');
        const d = text[i]!;
        if (d === '\\') {
          lexeme += text[i + 1] ?? '';
          i += 2;
        } else if (d === "'" && text[i + 1] === "'") {
          lexeme += "'";
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          lexeme += d;
          i++;
        }
      }
      let prefix = false;
      let weights = '';
      if (text[i] === ':') {
        i++;
        while (i < text.length && /[*A-Da-d]/.test(text[i]!)) {
          if (text[i] === '*') prefix = true;
          else weights += text[i]!.toUpperCase();
          i++;
        }
      }
      tokens.push({ type: 'lexeme', lexeme, prefix, weights });
    } else if (c === '<') {
      const end = text.indexOf('>', i);
      if (end < 0) throw new Error('bad phrase operator in tsquery');
      tokens.push({ type: 'op', value: 'phrase' });
      i = end + 1;
    } else if (c === '&' || c === '|' || c === '!' || c === '(' || c === ')') {
      tokens.push({ type: 'op', value: c });
      i++;
    } else {
      throw new Error(`unexpected character in tsquery: ${c}`);
    }
  }
  return tokens;
}

/** Parses tsquery text; precedence as PostgreSQL's: `!`, then `<->`, then `&`, then `|`. */
export function parseTsquery(text: string): TsNode | null {
  const tokens = tokenize(text);
  if (tokens.length === 0) return null;
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (value: string) => {
    const t = peek();
    return t?.type === 'op' && t.value === value;
  };
  const unary = (): TsNode => {
    const t = tokens[at++];
    if (!t) throw new Error('unexpected end of tsquery');
    if (t.type === 'lexeme')
      return { op: 'lexeme', lexeme: t.lexeme, prefix: t.prefix, weights: t.weights };
    if (t.value === '!') return { op: 'not', arg: unary() };
    if (t.value === '(') {
      const inner = or();
      if (!isOp(')')) throw new Error('unbalanced parentheses in tsquery');
      at++;
      return inner;
    }
    throw new Error(`unexpected operator in tsquery: ${t.value}`);
  };
  const phrase = (): TsNode => {
    let left = unary();
    while (isOp('phrase')) {
      at++;
      left = { op: 'phrase', left, right: unary() };
    }
    return left;
  };
  const and = (): TsNode => {
    let left = phrase();
    while (isOp('&')) {
      at++;
      left = { op: 'and', left, right: phrase() };
    }
    return left;
  };
  const or = (): TsNode => {
    let left = and();
    while (isOp('|')) {
      at++;
      left = { op: 'or', left, right: and() };
    }
    return left;
  };
  const root = or();
  if (at !== tokens.length) throw new Error('trailing input in tsquery');
  return root;
}

/** One bit per slot, 32 slots a word. */
export type Bits = Uint32Array;

export interface PostingSource {
  /** Slots whose vector holds the lexeme, ascending; undefined when none does. */
  postings(lexeme: string): ArrayLike<number> | undefined;
  /** The words of a set with every live slot. */
  words: number;
}

export interface Evaluation {
  bits: Bits;
  /** True when phrases were read as AND: the set may hold slots PostgreSQL would not match. */
  superset: boolean;
}

/**
 * The slots matching `node`, or null when the query cannot be answered exactly from lexeme sets
 * (weights, prefixes, or a phrase under a negation, whose superset would turn into a subset).
 */
export function evaluate(node: TsNode, source: PostingSource): Evaluation | null {
  let superset = false;
  let exactOnly = false;
  const visit = (n: TsNode, negated: boolean): Bits | null => {
    switch (n.op) {
      case 'lexeme': {
        if (n.prefix || n.weights) return null;
        const bits = new Uint32Array(source.words);
        const list = source.postings(n.lexeme);
        if (list) for (let i = 0; i < list.length; i++) setBit(bits, list[i]!);
        return bits;
      }
      case 'not': {
        const arg = visit(n.arg, !negated);
        if (!arg) return null;
        for (let w = 0; w < arg.length; w++) arg[w] = ~arg[w]!;
        return arg;
      }
      case 'phrase':
      case 'and':
      case 'or': {
        if (n.op === 'phrase') {
          if (negated) exactOnly = true;
          superset = true;
        }
        const left = visit(n.left, negated);
        const right = visit(n.right, negated);
        if (!left || !right) return null;
        if (n.op === 'or') for (let w = 0; w < left.length; w++) left[w]! |= right[w]!;
        else for (let w = 0; w < left.length; w++) left[w]! &= right[w]!;
        return left;
      }
    }
  };
  const bits = visit(node, false);
  if (!bits || exactOnly) return null;
  return { bits, superset };
}

export function setBit(bits: Bits, slot: number): void {
  bits[slot >>> 5]! |= 1 << (slot & 31);
}

export function hasBit(bits: Bits, slot: number): boolean {
  return (bits[slot >>> 5]! & (1 << (slot & 31))) !== 0;
}

/** Calls `visit` with each slot set in `bits`, ascending. */
export function forEachSlot(bits: Bits, visit: (slot: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      visit((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

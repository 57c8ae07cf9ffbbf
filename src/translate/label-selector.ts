/**
 * Kubernetes label selectors in their string form (`region=us,env!=dev,tier in (web,api),!legacy`),
 * parsed and matched without the Kubernetes client. Used for `kubemci.io/cluster-selector`.
 *
 * Grammar (requirements are ANDed; whitespace is free between tokens):
 *   selector    := "" | requirement ("," requirement)*
 *   requirement := key | "!" key | key ("=" | "==" | "!=") value | key ("in" | "notin") "(" values ")"
 *   values      := value ("," value)*
 * Keys are `[prefix/]name` (prefix a DNS subdomain, name up to 63 characters); values are up to
 * 63 characters and may be empty. The numeric `<` and `>` operators are not supported.
 */

/** One requirement; `=`/`==` parse to `in` with one value, `!=` to `notin`. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'in' | 'notin' | 'exists' | 'doesnotexist';
  readonly values: readonly string[];
}

/** A parsed selector: all requirements must hold. No requirement matches every label set. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
}

/** The selector text is not a valid label selector; the message says where and why. */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError';
}

type Token =
  | { readonly type: 'ident'; readonly value: string; readonly at: number }
  | { readonly type: ',' | '(' | ')' | '!' | '=' | '==' | '!='; readonly at: number };

const IDENT = /[A-Za-z0-9._/-]/;
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === ',' || c === '(' || c === ')') {
      tokens.push({ type: c, at: i });
      i++;
    } else if (c === '!' || c === '=') {
      const double = text[i + 1] === '=';
      tokens.push({ type: c === '!' ? (double ? '!=' : '!') : double ? '==' : '=', at: i });
      i += double ? 2 : 1;
    } else if (IDENT.test(c)) {
      const start = i;
      while (i < text.length && IDENT.test(text[i]!)) i++;
      tokens.push({ type: 'ident', value: text.slice(start, i), at: start });
    } else {
      const hint = c === '<' || c === '>' ? ' (the numeric operators < and > are not supported)' : '';
      throw new LabelSelectorError(`unexpected character '${c}' at position ${i}${hint}`);
    }
  }
  return tokens;
}

function checkKey(key: string, at: number): string {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const validPrefix = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (!validPrefix || name.length > 63 || !NAME.test(name)) {
    throw new LabelSelectorError(`invalid label key '${key}' at position ${at}`);
  }
  return key;
}

function checkValue(value: string, at: number): string {
  if (value !== '' && (value.length > 63 || !NAME.test(value))) {
    throw new LabelSelectorError(`invalid label value '${value}' at position ${at}`);
  }
  return value;
}

/**
 * Parses a label selector string. The empty (or blank) string selects everything.
 * Throws {@link LabelSelectorError} on any syntax error, invalid key or value.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const end = text.length;
  const fail = (what: string, token: Token | undefined): never => {
    throw new LabelSelectorError(`expected ${what} at position ${token?.at ?? end}`);
  };

  const ident = (what: string): { value: string; at: number } => {
    const token = peek();
    if (token?.type !== 'ident') return fail(what, token);
    pos++;
    return { value: token.value, at: token.at };
  };

  // A value may be empty: `key=` and `key in (a,)` are valid selectors.
  const optionalValue = (): string => {
    const token = peek();
    if (token?.type !== 'ident') return '';
    pos++;
    return checkValue(token.value, token.at);
  };

  const requirement = (): LabelRequirement => {
    if (peek()?.type === '!') {
      pos++;
      const key = ident('a label key after !');
      return { key: checkKey(key.value, key.at), operator: 'doesnotexist', values: [] };
    }
    const keyToken = ident('a label key');
    const key = checkKey(keyToken.value, keyToken.at);
    const op = peek();
    if (op === undefined || op.type === ',') return { key, operator: 'exists', values: [] };
    if (op.type === '=' || op.type === '==' || op.type === '!=') {
      pos++;
      return { key, operator: op.type === '!=' ? 'notin' : 'in', values: [optionalValue()] };
    }
    if (op.type === 'ident' && (op.value === 'in' || op.value === 'notin')) {
      pos++;
      if (peek()?.type !== '(') fail(`'(' after ${op.value}`, peek());
      pos++;
      const values = [optionalValue()];
      while (peek()?.type === ',') {
        pos++;
        values.push(optionalValue());
      }
      if (peek()?.type !== ')') fail("',' or ')'", peek());
      pos++;
      return { key, operator: op.value, values: [...new Set(values)] };
    }
    return fail("'=', '==', '!=', 'in', 'notin', ',' or the end", op);
  };

  const requirements: LabelRequirement[] = [];
  if (tokens.length === 0) return { requirements };
  for (;;) {
    requirements.push(requirement());
    const next = peek();
    if (next === undefined) break;
    if (next.type !== ',') fail("',' or the end", next);
    pos++;
  }
  return { requirements };
}

/** True when `labels` satisfy every requirement of `selector`. Never throws. */
export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return selector.requirements.every((requirement) => {
    const has = labels !== undefined && Object.hasOwn(labels, requirement.key);
    const value = has ? labels[requirement.key] : undefined;
    switch (requirement.operator) {
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
      case 'in':
        return has && requirement.values.includes(value!);
      case 'notin':
        return !has || !requirement.values.includes(value!);
    }
  });
}

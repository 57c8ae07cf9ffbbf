/**
 * List filters as Compute Engine accepts them: the legacy regular-expression form
 * (`name eq "k8s-.*"`, `(name eq a)(zone ne b)`, values matched against the whole field with RE2
 * syntax) and the AIP-160 form (`name = "x"`, `name != x`, `>`, `<`, `>=`, `<=`, `:`, `:*`, with
 * `*` wildcards, and explicit AND / OR / NOT). Juxtaposed terms are AND-ed; as in AIP-160, OR binds
 * tighter than AND. The two forms may not be mixed in one expression.
 */
import { ComputeError } from './errors.ts';

type Op = 'eq' | 'ne' | '=' | '!=' | '<' | '>' | '<=' | '>=' | ':';
type Node =
  | {
      readonly t: 'cmp';
      readonly field: string;
      readonly op: Op;
      readonly value: string;
      readonly re?: RegExp;
    }
  | { readonly t: 'and' | 'or'; readonly a: Node; readonly b: Node }
  | { readonly t: 'not'; readonly a: Node };

/** A compiled filter: `matches` says whether a resource passes. */
export interface Filter {
  matches(resource: unknown): boolean;
}

function filterError(expr: string, why: string): ComputeError {
  return new ComputeError({
    code: 400,
    reason: 'invalid',
    message: `Invalid value for field 'filter': '${expr}'. ${why}`,
  });
}

class Parser {
  readonly #s: string;
  #i = 0;
  readonly ops = new Set<Op>();

  constructor(s: string) {
    this.#s = s;
  }

  parse(): Node {
    const node = this.#and();
    this.#ws();
    if (this.#i < this.#s.length) throw filterError(this.#s, `Unexpected text at position ${this.#i}.`);
    return node;
  }

  #ws(): void {
    while (this.#i < this.#s.length && /\s/.test(this.#s[this.#i] as string)) this.#i += 1;
  }

  #keyword(word: string): boolean {
    this.#ws();
    const rest = this.#s.slice(this.#i);
    if (rest.startsWith(word) && /^(\s|\(|$)/.test(rest.slice(word.length))) {
      this.#i += word.length;
      return true;
    }
    return false;
  }

  #and(): Node {
    let left = this.#or();
    for (;;) {
      this.#ws();
      if (this.#i >= this.#s.length || this.#s[this.#i] === ')') return left;
      this.#keyword('AND');
      left = { t: 'and', a: left, b: this.#or() };
    }
  }

  #or(): Node {
    let left = this.#unary();
    while (this.#keyword('OR')) left = { t: 'or', a: left, b: this.#unary() };
    return left;
  }

  #unary(): Node {
    if (this.#keyword('NOT')) return { t: 'not', a: this.#unary() };
    this.#ws();
    if (this.#s[this.#i] === '-' && /[A-Za-z(]/.test(this.#s[this.#i + 1] ?? '')) {
      this.#i += 1;
      return { t: 'not', a: this.#unary() };
    }
    if (this.#s[this.#i] === '(') {
      this.#i += 1;
      const inner = this.#and();
      this.#ws();
      if (this.#s[this.#i] !== ')') throw filterError(this.#s, 'Missing closing parenthesis.');
      this.#i += 1;
      return inner;
    }
    return this.#comparison();
  }

  #comparison(): Node {
    this.#ws();
    const fieldMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.#s.slice(this.#i));
    if (!fieldMatch) throw filterError(this.#s, `Expected a field name at position ${this.#i}.`);
    const field = fieldMatch[0];
    this.#i += field.length;
    this.#ws();
    const rest = this.#s.slice(this.#i);
    const opMatch = /^(eq|ne)(?=\s)|^(!=|>=|<=|=|>|<|:)/.exec(rest);
    if (!opMatch) throw filterError(this.#s, `Expected an operator after '${field}'.`);
    const op = opMatch[0] as Op;
    this.#i += op.length;
    this.ops.add(op);
    const value = this.#value();
    if (op === 'eq' || op === 'ne') {
      try {
        return { t: 'cmp', field, op, value, re: new RegExp(`^(?:${value})$`) };
      } catch (err) {
        throw new ComputeError({
          code: 400,
          reason: 'invalid',
          message: `Invalid value for field 'filter': '${this.#s}'. Invalid regular expression '${value}'.`,
          cause: err,
        });
      }
    }
    return { t: 'cmp', field, op, value };
  }

  #value(): string {
    this.#ws();
    const q = this.#s[this.#i];
    if (q === '"' || q === "'") {
      let out = '';
      this.#i += 1;
      while (this.#i < this.#s.length && this.#s[this.#i] !== q) {
        if (this.#s[this.#i] === '\\' && this.#s[this.#i + 1] === q) this.#i += 1;
        out += this.#s[this.#i];
        this.#i += 1;
      }
      if (this.#s[this.#i] !== q) throw filterError(this.#s, 'Unterminated quoted value.');
      this.#i += 1;
      return out;
    }
    let out = '';
    let depth = 0;
    while (this.#i < this.#s.length) {
      const c = this.#s[this.#i] as string;
      if (/\s/.test(c) && depth === 0) break;
      if (c === ')' && depth === 0) break;
      if (c === '(') depth += 1;
      if (c === ')') depth -= 1;
      out += c;
      this.#i += 1;
    }
    if (out === '') throw filterError(this.#s, 'Missing value.');
    return out;
  }
}

function fieldValues(resource: unknown, field: string): unknown[] {
  let current: unknown[] = [resource];
  for (const part of field.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        for (const x of v)
          if (x && typeof x === 'object' && part in x) next.push((x as Record<string, unknown>)[part]);
      } else if (v && typeof v === 'object' && part in v) {
        next.push((v as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

function compare(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function evaluate(node: Node, resource: unknown): boolean {
  switch (node.t) {
    case 'and':
      return evaluate(node.a, resource) && evaluate(node.b, resource);
    case 'or':
      return evaluate(node.a, resource) || evaluate(node.b, resource);
    case 'not':
      return !evaluate(node.a, resource);
    case 'cmp': {
      const values = fieldValues(resource, node.field).map((v) =>
        typeof v === 'object' ? JSON.stringify(v) : String(v),
      );
      switch (node.op) {
        case 'eq':
          return (values.length ? values : ['']).some((v) => (node.re as RegExp).test(v));
        case 'ne':
          return !(values.length ? values : ['']).some((v) => (node.re as RegExp).test(v));
        case '=':
          return values.some((v) => wildcard(node.value).test(v));
        case '!=':
          return !values.some((v) => wildcard(node.value).test(v));
        case ':':
          return node.value === '*' ? values.length > 0 : values.some((v) => wildcard(node.value).test(v));
        case '<':
          return values.some((v) => compare(v, node.value) < 0);
        case '>':
          return values.some((v) => compare(v, node.value) > 0);
        case '<=':
          return values.some((v) => compare(v, node.value) <= 0);
        case '>=':
          return values.some((v) => compare(v, node.value) >= 0);
      }
    }
  }
}

/**
 * Compiles a filter expression. An empty or absent expression matches everything. Throws a 400
 * `invalid` ComputeError for a malformed expression, a bad regular expression, or a mix of the
 * regular-expression (`eq`/`ne`) and AIP-160 forms. With `legacyOnly` (instanceGroups.listInstances)
 * only `eq`/`ne` are allowed.
 */
export function compileFilter(expr: string | undefined | null, legacyOnly = false): Filter {
  if (!expr || expr.trim() === '') return { matches: () => true };
  const parser = new Parser(expr);
  const root = parser.parse();
  const legacy = parser.ops.has('eq') || parser.ops.has('ne');
  const aip = [...parser.ops].some((op) => op !== 'eq' && op !== 'ne');
  if (legacy && aip)
    throw filterError(expr, 'Regular expression filters (eq, ne) cannot be mixed with other operators.');
  if (legacyOnly && aip) throw filterError(expr, 'Only the eq and ne operators are supported here.');
  return { matches: (resource) => evaluate(root, resource) };
}

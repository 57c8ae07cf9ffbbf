/**
 * A small command-line parser with kubectl's (pflag's) conventions: `--flag=value` and
 * `--flag value`, `-n value`, `-nvalue` and `-n=value` for one-letter forms, booleans as
 * `--flag` or `--flag=true|false`, repeatable list flags, optional-value flags such as
 * `--dry-run` (alone it means its default value), and `--` to end the flags. Pure.
 */
import { UsageError } from './errors.ts';

/** How one flag takes its value. */
export type FlagKind = 'string' | 'boolean' | 'list' | 'optional';

/** A flag the command accepts. */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly kind: FlagKind;
  /** For `optional` flags: the value when the flag is given without `=value`. */
  readonly implied?: string;
}

/** The result of parsing: values by flag name (the last one wins for string flags), and the rest. */
export interface ParsedFlags {
  readonly strings: ReadonlyMap<string, string>;
  readonly booleans: ReadonlyMap<string, boolean>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
}

/**
 * Parses `argv` against `specs`. Throws UsageError for an unknown flag, a flag missing its
 * value, a value given to a boolean that is not true or false, or a value given to a
 * one-letter boolean.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const strings = new Map<string, string>();
  const booleans = new Map<string, boolean>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];

  const set = (
    spec: FlagSpec,
    shown: string,
    inline: string | undefined,
    next: () => string | undefined,
  ): void => {
    switch (spec.kind) {
      case 'boolean': {
        if (inline === undefined) booleans.set(spec.name, true);
        else if (inline === 'true' || inline === 'false') booleans.set(spec.name, inline === 'true');
        else throw new UsageError(`invalid value "${inline}" for ${shown}: want true or false`);
        return;
      }
      case 'optional':
        strings.set(spec.name, inline ?? spec.implied ?? '');
        return;
      case 'string':
      case 'list': {
        const value = inline ?? next();
        if (value === undefined) throw new UsageError(`flag needs an argument: ${shown}`);
        if (spec.kind === 'string') strings.set(spec.name, value);
        else lists.set(spec.name, [...(lists.get(spec.name) ?? []), value]);
        return;
      }
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      set(spec, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), next);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1] as string;
      const spec = byShort.get(letter);
      if (!spec) throw new UsageError(`unknown flag: ${arg.length > 2 ? arg : `-${letter}`}`);
      let rest: string | undefined = arg.slice(2);
      if (rest.startsWith('=')) rest = rest.slice(1);
      else if (rest === '') rest = undefined;
      if (spec.kind === 'boolean' && rest !== undefined) throw new UsageError(`unknown flag: ${arg}`);
      set(spec, `-${letter}`, rest, next);
    } else {
      positionals.push(arg);
    }
  }
  return { strings, booleans, lists, positionals };
}

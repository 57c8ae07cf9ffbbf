/**
 * The command-line parser of every command, with kubectl's (pflag's) conventions: `--flag=value`
 * and `--flag value`, `-n value`, `-nvalue` and `-n=value` for one-letter forms, booleans as
 * `--flag` or `--flag=true|false`, repeatable list flags, optional-value flags such as
 * `--dry-run` (alone it means its default value), and `--` to end the flags; and the flags that
 * mean the same in every command (DESIGN §3: one naming of flags across commands). Pure.
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

/** Makes the error a command throws when its command line is wrong (its exit code follows the class). */
export type UsageErrorFactory = (message: string, options?: ErrorOptions) => Error;

/** The result of parsing: values by flag name (the last one wins for string flags), and the rest. */
export interface ParsedFlags {
  readonly strings: ReadonlyMap<string, string>;
  readonly booleans: ReadonlyMap<string, boolean>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
  readonly positionals: readonly string[];
  /** The command's usage error, which the readers in `flag-values.ts` throw too. */
  readonly usageError: UsageErrorFactory;
}

/** `-h`, `--help`: every command's. */
export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', kind: 'boolean' };

/** `-n`, `--namespace`, as kubectl's. */
export const NAMESPACE_FLAG: FlagSpec = { name: 'namespace', short: 'n', kind: 'string' };

/** `-o`, `--output`, as kubectl's; each command has its formats. */
export const OUTPUT_FLAG: FlagSpec = { name: 'output', short: 'o', kind: 'string' };

/** `--kubeconfig` and `--context`: the registry cluster, found as kubectl would. */
export const REGISTRY_FLAGS: readonly FlagSpec[] = [
  { name: 'kubeconfig', kind: 'string' },
  { name: 'context', kind: 'string' },
];

/**
 * Where GCE is and who we are there: `--project` (kubemci's `--gcp-project` an alias),
 * `--gce-endpoint`, `--access-token-file`.
 */
export const GCE_FLAGS: readonly FlagSpec[] = [
  { name: 'project', kind: 'string' },
  { name: 'gcp-project', kind: 'string' },
  { name: 'gce-endpoint', kind: 'string' },
  { name: 'access-token-file', kind: 'string' },
];

/**
 * Parses `argv` against `specs`. Throws the error `usageError` makes (by default a UsageError)
 * for an unknown flag, a flag missing its value, a value given to a boolean that is not true or
 * false, or a value given to a one-letter boolean.
 */
export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  usageError: UsageErrorFactory = (message, options) => new UsageError(message, options),
): ParsedFlags {
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
        else throw usageError(`invalid value "${inline}" for ${shown}: want true or false`);
        return;
      }
      case 'optional':
        strings.set(spec.name, inline ?? spec.implied ?? '');
        return;
      case 'string':
      case 'list': {
        const value = inline ?? next();
        if (value === undefined) throw usageError(`flag needs an argument: ${shown}`);
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
      if (!spec) throw usageError(`unknown flag: --${name}`);
      set(spec, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), next);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1] as string;
      const spec = byShort.get(letter);
      if (!spec) throw usageError(`unknown flag: ${arg.length > 2 ? arg : `-${letter}`}`);
      let rest: string | undefined = arg.slice(2);
      if (rest.startsWith('=')) rest = rest.slice(1);
      else if (rest === '') rest = undefined;
      if (spec.kind === 'boolean' && rest !== undefined) throw usageError(`unknown flag: ${arg}`);
      set(spec, `-${letter}`, rest, next);
    } else {
      positionals.push(arg);
    }
  }
  return { strings, booleans, lists, positionals, usageError };
}

/**
 * Reading typed values out of parsed flags, with the same checks and messages in every command.
 * Each reader throws the command's own usage error (`flags.usageError`) with a one-line message
 * naming the flag. Pure.
 */
import type { KubeconfigSource } from '../../kube/kubeconfig-files.ts';
import { DurationError, parseDuration } from '../../options/duration.ts';
import type { ParsedFlags } from './flags.ts';

/** The environment variables that say where kubeconfig files are, as kubectl reads them. */
export interface KubeconfigEnv {
  readonly KUBECONFIG?: string;
  readonly HOME?: string;
}

/** The value of a string flag; undefined when it is not given. Throws when it is given empty. */
export function nonEmpty(flags: ParsedFlags, flag: string): string | undefined {
  const value = flags.strings.get(flag);
  if (value === '') throw flags.usageError(`--${flag} must not be empty`);
  return value;
}

/**
 * The one positional argument, `what` (as `NAME`). Throws, quoting `usage`, when it is missing,
 * and when more follow.
 */
export function onePositional(flags: ParsedFlags, what: string, usage: string): string {
  const [value, ...extra] = flags.positionals;
  if (value === undefined) throw flags.usageError(`${what} is required: ${usage}`);
  if (extra.length > 0) throw flags.usageError(`unexpected arguments after ${what}: ${extra.join(' ')}`);
  return value;
}

/**
 * The `--output` format, one of `allowed`; undefined when it is not given. Throws, ending with
 * `want <wanted>`, for any other.
 */
export function outputFlag<T extends string>(
  flags: ParsedFlags,
  allowed: readonly T[],
  wanted: string,
): T | undefined {
  const value = flags.strings.get('output');
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw flags.usageError(`unsupported output format "${value}": want ${wanted}`);
  }
  return value as T | undefined;
}

/**
 * A duration flag (`30s`, `2m`) in milliseconds, `fallback` when it is not given. Throws, with
 * the cause, when it is not a duration.
 */
export function durationFlag(flags: ParsedFlags, flag: string, fallback: number): number {
  const value = flags.strings.get(flag);
  if (value === undefined) return fallback;
  try {
    return parseDuration(value);
  } catch (err) {
    if (err instanceof DurationError) throw flags.usageError(`--${flag}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Where the kubeconfig is, as kubectl looks for it: `--kubeconfig`, else `KUBECONFIG`, else
 * `~/.kube/config`. Throws when `--kubeconfig` is given empty.
 */
export function kubeconfigSource(flags: ParsedFlags, env: KubeconfigEnv): KubeconfigSource {
  const kubeconfig = nonEmpty(flags, 'kubeconfig');
  return {
    ...(kubeconfig !== undefined ? { explicitPath: kubeconfig } : {}),
    ...(env.KUBECONFIG ? { envValue: env.KUBECONFIG } : {}),
    ...(env.HOME ? { homeDir: env.HOME } : {}),
  };
}

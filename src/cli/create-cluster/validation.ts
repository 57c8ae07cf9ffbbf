/**
 * Checks of `kubectl create cluster`'s input that the API server would otherwise reject late
 * (Secret names, labels) or not at all (addresses, CIDRs); the name checks it shares with
 * `kubectl mci` are in `../shared/names.ts`. Each returns the normalised value or throws
 * UsageError with a one-line message naming the flag. Pure.
 */
import { isIP } from 'node:net';
import { UsageError } from '../shared/errors.ts';
import { isDns1123Subdomain } from '../shared/names.ts';

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A Secret's name: a DNS-1123 subdomain. */
export function checkSecretName(name: string, flag: string): string {
  if (!isDns1123Subdomain(name)) {
    throw new UsageError(`invalid ${flag} "${name}": not a valid Secret name (a DNS-1123 subdomain)`);
  }
  return name;
}

/**
 * Parses `key=value` labels, as `kubectl label` takes them, into a record. Throws UsageError
 * for a missing '=', an invalid key or value, or a key given twice with different values.
 */
export function parseLabels(specs: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid --label "${spec}": want key=value`);
    const key = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw new UsageError(`invalid --label "${spec}": ${keyProblem}`);
    if (value !== '' && (value.length > 63 || !LABEL_NAME.test(value))) {
      throw new UsageError(
        `invalid --label "${spec}": the value must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
      );
    }
    if (key in labels && labels[key] !== value)
      throw new UsageError(`--label ${key} is given twice with different values`);
    labels[key] = value;
  }
  return labels;
}

/**
 * A member's API server address, normalised to an https URL without a trailing slash. Takes
 * an https URL (a path is kept, for API proxies such as a connect gateway) or `host[:port]`,
 * which means https. Refuses http (a bearer token would travel in clear), credentials in the
 * URL, a query or a fragment.
 */
export function parseServerAddress(input: string, flag = '--server'): string {
  const bad = (why: string): never => {
    throw new UsageError(`invalid ${flag} "${input}": ${why}`);
  };
  if (input.trim() !== input || input === '') bad('want an https URL or host[:port]');
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(input);
  if (!hasScheme && input.includes('/')) bad('want an https URL or host[:port]');
  let url: URL;
  try {
    url = new URL(hasScheme ? input : `https://${input}`);
  } catch {
    return bad('not a valid URL');
  }
  if (url.protocol !== 'https:') bad(`scheme ${url.protocol.replace(/:$/, '')} is not allowed, want https`);
  if (url.hostname === '') bad('no host');
  if (url.username || url.password) bad('credentials do not belong in the address');
  if (url.search || url.hash || input.includes('?') || input.includes('#'))
    bad('no query or fragment allowed');
  if (!hasScheme && !/^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(:\d+)?$/.test(input))
    bad('want an https URL or host[:port]');
  const pathname = url.pathname.replace(/\/+$/, '');
  return `https://${url.host}${pathname}`;
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`), returned as given. */
export function parseCidr(input: string): string {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(input);
  const family = match ? isIP(match[1] as string) : 0;
  const bits = match ? Number(match[2]) : -1;
  if (family === 0 || bits > (family === 4 ? 32 : 128)) {
    throw new UsageError(`invalid --client-cidr "${input}": want an IPv4 or IPv6 CIDR such as 10.0.0.0/8`);
  }
  return input;
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isDns1123Subdomain(prefix))
    return `the key prefix "${prefix}" is not a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return "the key name must be 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

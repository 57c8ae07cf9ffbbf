/**
 * The Kubernetes name rules the commands check before the API server would (or, for names that
 * go into GCE, where it would not), and the checks of the names that `kubectl create cluster`
 * and `kubectl mci` share. Pure.
 */
import { UsageError } from './errors.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label (a namespace's name): at most 63 lowercase letters, digits and '-', alphanumeric at both ends. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** A DNS-1035 label: a DNS-1123 label that starts with a letter. */
export function isDns1035Label(name: string): boolean {
  return name.length <= 63 && DNS1035_LABEL.test(name);
}

/** A DNS-1123 subdomain (most objects' names): at most 253 characters, dot-separated labels. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((part) => DNS1123_LABEL.test(part));
}

/**
 * A Cluster's name: a DNS-1035 label, the rule the archived Cluster Registry API server
 * enforced. It also keeps `<name>-credentials` a valid Secret name. Throws UsageError.
 */
export function checkClusterName(name: string): string {
  if (!isDns1035Label(name)) {
    throw new UsageError(
      `invalid cluster name "${name}": want at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit`,
    );
  }
  return name;
}

/** The `--namespace` value: a DNS-1123 label. Throws UsageError. */
export function checkNamespace(name: string): string {
  if (!isDns1123Label(name)) {
    throw new UsageError(
      `invalid --namespace "${name}": want at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );
  }
  return name;
}

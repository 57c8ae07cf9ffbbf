/**
 * The rows `kubectl auth can-i --list -n NAMESPACE` prints for a ServiceAccount, computed from
 * RBAC manifests, and the reviewed allow-lists (config/rbac-allowlist-*.txt) read back, so a
 * unit test can hold the two in step. Rows are four tab-separated columns: resource, non-resource
 * URLs, resource names, verbs, in kubectl's notation (`clusters.clusterregistry.k8s.io/status`,
 * `[]`, `[kube-system]`, `[get list watch]`).
 */
import { readFileSync } from 'node:fs';
import type { Manifest, PolicyRule } from './manifests.ts';

/** A ServiceAccount, as RBAC subjects name it. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

function bindsAccount(binding: Manifest, account: ServiceAccountRef): boolean {
  return (binding.subjects ?? []).some(
    (s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace,
  );
}

/** The rules `account` holds in `namespace`: cluster-wide bindings and that namespace's RoleBindings. */
export function rulesIn(manifests: readonly Manifest[], account: ServiceAccountRef, namespace: string): PolicyRule[] {
  const role = (kind: string, name: string | undefined, ns?: string) =>
    manifests.find(
      (m) => m.kind === kind && m.metadata?.name === name && (ns === undefined || m.metadata?.namespace === ns),
    );
  const rules: PolicyRule[] = [];
  for (const binding of manifests) {
    if (!bindsAccount(binding, account)) continue;
    const ref = binding.roleRef;
    if (binding.kind === 'ClusterRoleBinding') {
      rules.push(...(role('ClusterRole', ref?.name)?.rules ?? []));
    } else if (binding.kind === 'RoleBinding' && binding.metadata?.namespace === namespace) {
      const target = ref?.kind === 'ClusterRole' ? role('ClusterRole', ref.name) : role('Role', ref?.name, namespace);
      rules.push(...(target?.rules ?? []));
    }
  }
  return rules;
}

/** One row per resource of each rule, as kubectl prints it. */
export function canIRows(rules: readonly PolicyRule[]): string[] {
  const rows: string[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const [plural, subresource] = resource.split('/');
        const name = `${plural}${group === '' ? '' : `.${group}`}${subresource === undefined ? '' : `/${subresource}`}`;
        rows.push([name, '[]', `[${(rule.resourceNames ?? []).join(' ')}]`, `[${(rule.verbs ?? []).join(' ')}]`].join('\t'));
      }
    }
  }
  return rows.sort();
}

/**
 * Reads an allow-list: `## namespace: NAME` opens a section, `#` lines are comments, other
 * non-empty lines are rows whose columns are separated by two or more spaces. Throws when a row
 * comes before any section or does not have four columns.
 */
export function readAllowList(path: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const section = /^## namespace: (\S+)$/.exec(line);
    if (section) {
      current = [];
      sections.set(section[1]!, current);
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    const columns = line.trimEnd().split(/ {2,}/);
    if (current === undefined || columns.length !== 4) {
      throw new Error(`${path}: row outside a section or without four columns: ${JSON.stringify(line)}`);
    }
    current.push(columns.join('\t'));
  }
  return sections;
}

/**
 * The rows RBAC manifests can account for: resource rows other than the self-subject reviews
 * every authenticated account may create (the defaults of system:basic-user, like the
 * non-resource URLs of system:discovery, which are left out too).
 */
export function grantedRows(rows: readonly string[]): string[] {
  return rows.filter((row) => !row.startsWith('\t') && !/^selfsubject\w+\./.test(row)).sort();
}

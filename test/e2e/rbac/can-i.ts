// What the API server says an account may do: `kubectl auth can-i` run by an administrator with
// --as, its output in the row form of the reviewed allow-lists (test/unit/config/rbac-rows.ts).
import { kubectl, kubectlOk } from '../../harness/kubectl.ts';

/** Where to ask and about whom: kubectl, an admin kubeconfig of the cluster, the user to ask for. */
export interface CanIContext {
  readonly kubectlPath: string;
  readonly kubeconfig: string;
  readonly as: string;
}

/** One question for `kubectl auth can-i`; `namespace: 'all'` asks across all namespaces. */
export interface Access {
  readonly verb: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string | 'all';
}

/**
 * Turns `kubectl auth can-i --list` output into rows: the header dropped, each line's columns
 * (separated by runs of two or more spaces, tabwriter padding) joined by tabs, the rows sorted.
 * Duplicates are kept, as kubectl prints them. Throws when a line does not have four columns.
 */
export function toCanIRows(output: string): string[] {
  const rows: string[] = [];
  for (const line of output.split('\n')) {
    if (line.trim() === '' || /^Resources\s/.test(line)) continue;
    const columns = line.trimEnd().split(/ {2,}/);
    if (columns.length !== 4)
      throw new Error(`kubectl auth can-i --list: not four columns: ${JSON.stringify(line)}`);
    rows.push(columns.join('\t'));
  }
  return rows.sort();
}

/** The account's rows in `namespace`, as {@link toCanIRows} gives them. Rejects when kubectl fails. */
export async function canIList(ctx: CanIContext, namespace: string): Promise<string[]> {
  const out = await kubectlOk(ctx.kubectlPath, [
    'auth',
    'can-i',
    '--list',
    `--as=${ctx.as}`,
    '-n',
    namespace,
    '--kubeconfig',
    ctx.kubeconfig,
  ]);
  return toCanIRows(out);
}

/** The question as a kubectl command line, for messages. */
export function describeAccess(a: Access): string {
  const sub = a.subresource ? ` --subresource=${a.subresource}` : '';
  const ns = a.namespace === 'all' ? ' -A' : a.namespace ? ` -n ${a.namespace}` : '';
  return `${a.verb} ${a.resource}${sub}${ns}`;
}

/**
 * Asks `kubectl auth can-i VERB RESOURCE` for the account: true for "yes", false for "no".
 * kubectl exits 1 for "no", so only another exit code or answer is an error (thrown with the
 * output), e.g. an unknown resource.
 */
export async function canI(ctx: CanIContext, a: Access): Promise<boolean> {
  const args = ['auth', 'can-i', a.verb, a.resource, `--as=${ctx.as}`, '--kubeconfig', ctx.kubeconfig];
  if (a.subresource) args.push(`--subresource=${a.subresource}`);
  if (a.namespace === 'all') args.push('--all-namespaces');
  else if (a.namespace) args.push('-n', a.namespace);
  const r = await kubectl(ctx.kubectlPath, args);
  const answer = r.stdout.trim();
  if (r.code === 0 && answer === 'yes') return true;
  // A denial may carry the authorizer's reason: "no - <reason>".
  if (r.code === 1 && /^no\b/.test(answer)) return false;
  throw new Error(
    `kubectl auth can-i ${describeAccess(a)}: exit ${r.code}, ${JSON.stringify(answer)}: ${r.stderr.trim()}`,
  );
}

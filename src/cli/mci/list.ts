/** `kubectl mci list`: every multicluster Ingress of a namespace (or all), judged. */
import { formatList } from './format-list.ts';
import type { Output } from './io.ts';
import { byNamespaceAndName, isManagedIngress } from './multicluster.ts';
import type { ListCommand } from './options.ts';
import type { Registry } from './registry.ts';
import { summarizeIngress } from './summary.ts';

/**
 * Lists and prints; resolves with the exit code: 0 when every Ingress listed is fine (or none
 * was found), 1 when one has a problem. Rejects with a one-line error when the Ingresses cannot
 * be listed.
 */
export async function runList(
  cmd: ListCommand,
  registry: Registry,
  namespace: string,
  out: Output,
): Promise<number> {
  const scope = cmd.allNamespaces ? undefined : namespace;
  const ingresses = (await registry.listIngresses(scope)).filter(isManagedIngress).sort(byNamespaceAndName);
  const summaries = ingresses.map((i) => summarizeIngress(i));
  out.stdout(
    formatList(summaries, {
      output: cmd.output,
      allNamespaces: cmd.allNamespaces,
      now: out.now(),
      style: out.style,
    }),
  );
  if (summaries.length === 0 && (cmd.output === 'table' || cmd.output === 'wide')) {
    out.stderr(`No multicluster Ingresses found${scope === undefined ? '' : ` in namespace ${scope}`}.\n`);
  }
  return summaries.some((s) => s.problems.length > 0) ? 1 : 0;
}

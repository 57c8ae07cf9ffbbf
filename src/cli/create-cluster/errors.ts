/**
 * The errors `kubectl create cluster` reports. Each message is one line, fit to print after
 * "error: "; the cause keeps the underlying error for debugging. A wrong command line is a
 * UsageError (`../shared/errors.ts`), a failed API call a KubeCallError (`kube/kube-call.ts`).
 */

/** Anything that stops the command: bad input, a refused kubeconfig, a failed check of the clusters. */
export class CreateClusterError extends Error {
  override name = 'CreateClusterError';
}

/**
 * The errors `kubectl create cluster` reports. Each message is one line, fit to print after
 * "error: "; the cause keeps the underlying error for debugging.
 */

/** Anything that stops the command: bad input, a refused kubeconfig, a failed API call. */
export class CreateClusterError extends Error {
  override name = 'CreateClusterError';
}

/** The command line itself is wrong: an unknown flag, a missing value, conflicting flags. */
export class UsageError extends CreateClusterError {
  override name = 'UsageError';
}

/**
 * An API call that failed, with the HTTP status when the server answered (undefined when it
 * could not be reached at all).
 */
export class KubeCallError extends CreateClusterError {
  override name = 'KubeCallError';
  readonly status: number | undefined;

  constructor(message: string, status: number | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** The message of any thrown value, flattened to one line. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

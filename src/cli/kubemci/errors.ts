/**
 * The errors of the kubemci-compatible CLI. Each message is one line, fit to print after
 * "error: "; `cause` keeps the underlying error. The exit code follows the class: usage errors
 * exit 2, every other failure 1.
 */
export { oneLine } from '../shared/errors.ts';

/** Anything that makes a command fail (exit code 1). */
export class KubemciError extends Error {
  override name = 'KubemciError';
}

/** The command line itself is wrong: an unknown flag, a missing value or argument (exit code 2). */
export class KubemciUsageError extends KubemciError {
  override name = 'KubemciUsageError';
}

/** A failure that belongs to one member cluster; the message starts with `cluster <name>:`. */
export class ClusterError extends KubemciError {
  override name = 'ClusterError';
  readonly cluster: string;

  constructor(cluster: string, message: string, options?: ErrorOptions) {
    super(message.startsWith(`cluster ${cluster}:`) ? message : `cluster ${cluster}: ${message}`, options);
    this.cluster = cluster;
  }
}

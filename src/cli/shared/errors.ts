/**
 * The errors the command-line tools share. Each message is one line, fit to print after
 * "error: "; the cause keeps the underlying error for debugging.
 */
export { oneLine } from '../../kube/one-line.ts';

/**
 * The command line itself is wrong: an unknown flag, a missing value or argument, flags that do
 * not go together. `kubectl create cluster` and `kubectl mci` throw it (mci exits 2 on it);
 * kubemci has its own KubemciUsageError.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The errors `kubectl mci` reports. Each message is one line, fit to print after "error: "; the
 * cause keeps the underlying error for debugging. A UsageError (the command line is wrong) exits
 * 2, any other error 1.
 */
export { UsageError, oneLine } from '../shared/errors.ts';

/** Anything that stops a command after its command line was accepted: a failed read, a refusal. */
export class MciError extends Error {
  override name = 'MciError';
}

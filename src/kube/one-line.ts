/**
 * Error text fit for one line of a terminal, a log or a Kubernetes Event: multi-line messages
 * (a Status message, a wrapped network error) are joined with "; ". Pure.
 */

/** The message of any thrown value (an Error's message, else its string form), flattened to one line. Never throws. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

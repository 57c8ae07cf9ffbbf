// Finding the API server's refusals in the controller's JSON log. @kubernetes/client-node puts
// the status code and body of a failed call into the error's message ("HTTP-Code: 403 ...
// \"reason\":\"Forbidden\""), which the logger serialises into the line.

const REFUSAL = [/forbidden/i, /HTTP-Code: 403\b/, /"(?:code|status|statusCode)":403\b/];

/**
 * The lines of `log` that record a refusal by the API server: the word "forbidden" in any case,
 * or a status 403 as client-node's errors and Kubernetes Status objects write it. Never throws.
 */
export function forbiddenLines(log: string): string[] {
  return log.split('\n').filter((line) => REFUSAL.some((re) => re.test(line)));
}

/**
 * Wraps an injected predicate so that a throw counts as `true`. The pipeline's fan-out uses it on
 * user-derived input (a malformed cluster selector, say): enqueuing one key too many is harmless,
 * because the reconcile reads the same input and reports the problem, whereas a throw inside an
 * operator would end the whole trigger stream.
 */
export function trueOnThrow<A extends unknown[]>(
  predicate: (...args: A) => boolean,
): (...args: A) => boolean {
  return (...args) => {
    try {
      return predicate(...args);
    } catch {
      return true;
    }
  };
}

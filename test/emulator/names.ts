/**
 * Resource names: RFC 1035 labels of 1 to 63 characters, as Compute Engine enforces on insert,
 * and the numeric ids it also accepts in the name position of a path.
 */
import { ComputeError } from './errors.ts';

/** Google's pattern for resource names, exactly as quoted in its error messages. */
export const NAME_PATTERN = '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)';
const NAME_RE = new RegExp(`^${NAME_PATTERN}$`);
const ID_RE = /^[1-9][0-9]{0,19}$/;

/** True if `name` is a valid resource name. */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && NAME_RE.test(name);
}

/** True if the path segment is a numeric resource id rather than a name. */
export function isNumericId(segment: string): boolean {
  return ID_RE.test(segment);
}

/**
 * Throws 400 `required` when the name is missing and 400 `invalid` with Google's
 * "Must be a match of regex" text when it is malformed.
 */
export function assertValidName(name: unknown, field = 'resource.name'): asserts name is string {
  if (name === undefined || name === null || name === '') {
    throw new ComputeError({
      code: 400,
      reason: 'required',
      message: `Required field '${field}' not specified`,
    });
  }
  if (!isValidName(name)) {
    const shown = typeof name === 'string' ? name : JSON.stringify(name);
    throw new ComputeError({
      code: 400,
      reason: 'invalid',
      message: `Invalid value for field '${field}': '${shown}'. Must be a match of regex '${NAME_PATTERN}'`,
    });
  }
}

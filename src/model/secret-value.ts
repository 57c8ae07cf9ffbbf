/**
 * A secret string (a TLS private key) carried inside a resource body. It serialises, prints and
 * inspects as `[redacted]`, so plans, logs, Events and golden files never contain it; only
 * {@link revealSecrets}, called by the GCE client right before it sends a body, gets the value.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Call only to hand it to GCE. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** What a {@link SecretValue} shows instead of its value. */
export const REDACTED = '[redacted]';

/**
 * A deep copy of `value` with every {@link SecretValue} replaced by its plain string, for the
 * request that inserts the resource. Never log the result. Plain JSON data is copied as is.
 */
export function revealSecrets<T>(value: T): T {
  return mapSecrets(value, (secret) => secret.reveal()) as T;
}

/**
 * A deep copy of `value` with every {@link SecretValue} replaced by `[redacted]`: plain JSON that
 * any serialiser (not only `JSON.stringify`) can print safely.
 */
export function redactSecrets<T>(value: T): T {
  return mapSecrets(value, () => REDACTED) as T;
}

function mapSecrets(value: unknown, replace: (secret: SecretValue) => string): unknown {
  if (value instanceof SecretValue) return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapSecrets(item, replace));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = mapSecrets(item, replace);
    return out;
  }
  return value;
}

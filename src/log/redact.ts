/**
 * Redaction of secret material before anything is logged, printed or written to status:
 * private keys, tokens, kubeconfigs and the values of fields whose names say they are secret.
 */

const SECRET_FIELD =
  /(^|[-_.])(token|password|passwd|client[-_]?secret|private[-_]?key|client[-_]?key|key[-_]?data|kubeconfig|authorization|credentials?|tls\.key|access[-_]?token)$/i;
const PEM_PRIVATE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// JSON Web Tokens (service-account tokens): three base64url parts, the first a JSON header.
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
// Google OAuth access tokens.
const GOOGLE_TOKEN = /\bya29\.[A-Za-z0-9._-]{10,}/g;

/** The placeholder that replaces redacted material. */
export const REDACTED = '[REDACTED]';

/** Replaces private keys, bearer tokens and JWTs inside free text. */
export function redactText(text: string): string {
  return text
    .replace(PEM_PRIVATE, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(GOOGLE_TOKEN, REDACTED);
}

/**
 * A deep copy of `value` with secret-named fields replaced and secret-looking text redacted.
 * Errors become {name, message, ...} with their messages redacted. Never throws; cycles are cut.
 */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : redact(v, seen);
    if (value.cause !== undefined) out.cause = redact(value.cause, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== '' ? REDACTED : redact(v, seen);
  }
  return out;
}

import { createHash } from 'node:crypto';

// RFC 4648 base32 in lower case: every character is valid anywhere in a GCE name after the first.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The first `length` characters of the lower-case base32 SHA-256 of `parts`, encoded as a JSON
 * array so that `['a-b', 'c']` and `['a', 'b-c']` differ. Each character carries 5 bits.
 */
export function shortHash(parts: readonly string[], length: number): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of digest) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length >= length) break;
  }
  return out;
}

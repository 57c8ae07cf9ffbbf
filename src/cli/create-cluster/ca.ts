/**
 * Certificate-authority bundles: PEM text holding one or more X.509 certificates, as a
 * Cluster's caBundle and a credentials Secret's `ca.crt` carry them.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { oneLine } from '../shared/errors.ts';
import { CreateClusterError } from './errors.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Returns `pem` when it holds at least one certificate and every certificate in it parses.
 * Throws CreateClusterError naming `what` otherwise.
 */
export function checkCaBundle(pem: Buffer, what: string): Buffer {
  const blocks = pem.toString('utf8').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new CreateClusterError(`${what} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new CreateClusterError(`${what} holds a certificate that does not parse: ${oneLine(err)}`, {
        cause: err,
      });
    }
  }
  return pem;
}

/** Reads and checks a CA file. Throws CreateClusterError when it cannot be read or checked. */
export function readCaFile(
  file: string,
  readFile: (file: string) => Buffer = (f) => readFileSync(f),
): Buffer {
  let pem: Buffer;
  try {
    pem = readFile(file);
  } catch (err) {
    throw new CreateClusterError(`cannot read --ca-file ${file}: ${oneLine(err)}`, { cause: err });
  }
  return checkCaBundle(pem, `--ca-file ${file}`);
}

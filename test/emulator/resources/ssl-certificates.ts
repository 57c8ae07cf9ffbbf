/**
 * Global SSL certificates. Self-managed ones are parsed (a chain of at most 5 PEM certificates and
 * a private key that must match the leaf), `expireTime` and `subjectAlternativeNames` are filled
 * from the leaf, and the private key is never stored or returned. Managed ones start PROVISIONING.
 * There is no update: certificates are immutable and rotate by create, swap, delete.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { Core, Handler } from '../core.ts';
import { ComputeError, invalidField, notFound } from '../errors.ts';
import type { Json } from '../schema.ts';
import { gceTimestamp } from '../timestamps.ts';
import { aggregatedList, crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

const MAX_CHAIN = 5;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function pemBlocks(pem: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return pem.match(re) ?? [];
}

function parseSelfManaged(certificate: unknown, privateKey: unknown, field: string): Json {
  if (typeof certificate !== 'string' || certificate === '') {
    throw new ComputeError({
      code: 400,
      reason: 'required',
      message: `Required field '${field}.certificate' not specified`,
    });
  }
  if (typeof privateKey !== 'string' || privateKey === '') {
    throw new ComputeError({
      code: 400,
      reason: 'required',
      message: `Required field '${field}.privateKey' not specified`,
    });
  }
  const chain = pemBlocks(certificate, 'CERTIFICATE');
  if (chain.length === 0)
    throw invalidField(`${field}.certificate`, '', 'The SSL certificate could not be parsed.');
  if (chain.length > MAX_CHAIN)
    throw invalidField(
      `${field}.certificate`,
      '',
      `The certificate chain must be no longer than ${MAX_CHAIN} certificates.`,
    );
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(chain[0] as string);
    for (const c of chain.slice(1)) new X509Certificate(c);
  } catch (err) {
    throw new ComputeError({
      code: 400,
      reason: 'invalid',
      message: `Invalid value for field '${field}.certificate': ''. The SSL certificate could not be parsed.`,
      cause: err,
    });
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(privateKey));
  } catch (err) {
    throw new ComputeError({
      code: 400,
      reason: 'invalid',
      message: `Invalid value for field '${field}.privateKey': ''. The SSL key could not be parsed.`,
      cause: err,
    });
  }
  if (!matches) throw invalidField(`${field}.privateKey`, '', 'The SSL certificate and key do not match.');
  const sans = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
    .map((s) => s.replace(/^DNS:|^IP Address:/, ''));
  return { expireTime: gceTimestamp(Date.parse(leaf.validTo)), subjectAlternativeNames: sans };
}

/** The sslCertificates kind. */
export const sslCertificates: KindSpec = {
  resource: 'sslCertificates',
  collection: 'sslCertificates',
  scope: 'global',
  kind: 'compute#sslCertificate',
  schema: 'SslCertificate',
  snakeType: 'ssl_certificate',
  quotaMetric: 'SSL_CERTIFICATES',
  fingerprint: false,
  build(input) {
    const body: Json = { ...input };
    body.type ??= input.managed !== undefined ? 'MANAGED' : 'SELF_MANAGED';
    if (body.type === 'MANAGED') {
      const managed = { ...((input.managed ?? {}) as Json) };
      const domains = (managed.domains ?? []) as unknown[];
      if (domains.length === 0 || domains.length > 100) {
        throw invalidField(
          'resource.managed.domains',
          '',
          'A managed certificate needs between 1 and 100 domains.',
        );
      }
      domains.forEach((d, i) => {
        if (typeof d !== 'string' || !DOMAIN_RE.test(d))
          throw invalidField(`resource.managed.domains[${i}]`, d, 'Invalid domain name.');
      });
      managed.status = 'PROVISIONING';
      managed.domainStatus = Object.fromEntries((domains as string[]).map((d) => [d, 'PROVISIONING']));
      body.managed = managed;
      body.subjectAlternativeNames = domains;
      return { body };
    }
    if (body.type !== 'SELF_MANAGED')
      throw invalidField('resource.type', body.type, 'Unsupported certificate type.');
    const selfManaged = input.selfManaged as Json | undefined;
    const certificate = selfManaged?.certificate ?? input.certificate;
    const privateKey = selfManaged?.privateKey ?? input.privateKey;
    Object.assign(
      body,
      parseSelfManaged(certificate, privateKey, selfManaged ? 'resource.selfManaged' : 'resource'),
    );
    body.certificate = certificate;
    return { body };
  },
};

/**
 * Sets the status of a managed certificate (as Google's provisioning would): every domain takes
 * `status` too. Throws a 404 ComputeError if the certificate does not exist.
 */
export function setManagedCertificateStatus(
  core: Core,
  name: string,
  status: 'ACTIVE' | 'PROVISIONING' | 'PROVISIONING_FAILED',
): void {
  const record = core.store.get(core.config.project, { kind: 'global' }, 'sslCertificates', name);
  if (!record) throw notFound(`projects/${core.config.project}/global/sslCertificates/${name}`);
  const managed = { ...((record.body.managed ?? {}) as Json) };
  managed.status = status;
  managed.domainStatus = Object.fromEntries(
    ((managed.domains ?? []) as string[]).map((d) => [
      d,
      status === 'PROVISIONING_FAILED' ? 'FAILED_NOT_VISIBLE' : status,
    ]),
  );
  record.body = { ...record.body, managed };
}

/** `compute.sslCertificates.*`. */
export const sslCertificateHandlers: Record<string, Handler> = {
  ...crudHandlers(sslCertificates, ['insert', 'get', 'list', 'delete']),
  'compute.sslCertificates.aggregatedList': aggregatedList(sslCertificates),
};

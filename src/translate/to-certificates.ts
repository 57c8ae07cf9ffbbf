import type { DesiredResource } from '../model/gce.ts';
import type { IngressTls } from '../model/ingress.ts';
import { SecretValue } from '../model/secret-value.ts';
import { TranslateError } from '../model/translate.ts';
import type { CertificateSummary, SecretData, TranslateWarning } from '../model/translate.ts';
import { sslCertificateName } from '../naming/gce-names.ts';
import type { IngressIdentity } from '../naming/gce-names.ts';
import { ownershipDescription } from '../naming/ownership.ts';

/** GCE's limit of classic SSL certificates on one target HTTPS proxy. */
export const MAX_CERTIFICATES_PER_PROXY = 15;

const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----[\s\S]+?-----END ([A-Z]+ )?PRIVATE KEY-----/;

/**
 * The certificates of the HTTPS proxy, in order: one SslCertificate of ours per `spec.tls`
 * Secret (spec order; the first is the proxy's default), then the pre-shared ones (external:
 * checked, never changed). At most 15. A missing Secret, or one without a PEM `tls.crt` and
 * `tls.key`, is an error that names the Secret and the key, never the content. The private key
 * travels as a SecretValue, so plans and logs print it redacted.
 */
export function toCertificates(
  tls: readonly IngressTls[],
  preShared: readonly string[],
  secrets: Readonly<Record<string, SecretData | undefined>>,
  owner: IngressIdentity,
): {
  resources: DesiredResource[];
  summaries: CertificateSummary[];
  errors: TranslateError[];
  warnings: TranslateWarning[];
} {
  const resources: DesiredResource[] = [];
  const summaries: CertificateSummary[] = [];
  const errors: TranslateError[] = [];
  const warnings: TranslateWarning[] = [];
  const secretNames: string[] = [];
  tls.forEach((entry, index) => {
    if (entry.secretName === undefined || entry.secretName === '') {
      warnings.push({
        code: 'TlsWithoutSecret',
        message: `spec.tls[${index}] names no Secret and is ignored`,
      });
    } else if (!secretNames.includes(entry.secretName)) {
      secretNames.push(entry.secretName);
    }
  });

  for (const secretName of secretNames) {
    const ref = `Secret ${owner.namespace}/${secretName}`;
    const data = secrets[secretName];
    if (data === undefined) {
      errors.push(new TranslateError('SecretNotFound', `${ref} (spec.tls) does not exist`));
      continue;
    }
    const certificate = data['tls.crt'];
    const key = data['tls.key'];
    const problems: string[] = [];
    if (certificate === undefined || certificate === '') problems.push('has no tls.crt');
    else if (!CERTIFICATE_PEM.test(certificate)) problems.push('tls.crt is not a PEM certificate');
    if (key === undefined || key === '') problems.push('has no tls.key');
    else if (!PRIVATE_KEY_PEM.test(key)) problems.push('tls.key is not a PEM private key');
    if (problems.length > 0) {
      errors.push(new TranslateError('SecretInvalid', `${ref}: ${problems.join(', ')}`));
      continue;
    }
    const name = sslCertificateName(owner, secretName, `${certificate}\n${key}`);
    resources.push({
      kind: 'sslCertificates',
      name,
      dependsOn: [],
      body: {
        name,
        description: ownershipDescription(owner, `certificate from Secret ${owner.namespace}/${secretName}`),
        certificate,
        privateKey: new SecretValue(key!),
      },
    });
    summaries.push({ name, external: false, secret: secretName });
  }

  for (const name of preShared) {
    resources.push({ kind: 'sslCertificates', name, dependsOn: [], external: true, body: { name } });
    summaries.push({ name, external: true });
  }

  const total = secretNames.length + preShared.length;
  if (total > MAX_CERTIFICATES_PER_PROXY) {
    errors.push(
      new TranslateError(
        'TooManyCertificates',
        `${total} certificates (${secretNames.length} from spec.tls, ${preShared.length} pre-shared), ` +
          `more than the ${MAX_CERTIFICATES_PER_PROXY} a target HTTPS proxy holds`,
      ),
    );
  }
  return { resources, summaries, errors, warnings };
}

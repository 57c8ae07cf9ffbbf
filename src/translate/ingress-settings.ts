import { TranslateError } from '../model/translate.ts';
import type { BackendMode } from '../model/translate.ts';
import { isValidGceName } from '../naming/gce-names.ts';
import {
  ALLOW_HTTP_ANNOTATION,
  BACKEND_MODE_ANNOTATION,
  CLUSTER_SELECTOR_ANNOTATION,
  PRE_SHARED_CERT_ANNOTATION,
  STATIC_IP_ANNOTATION,
} from './annotations.ts';
import { LabelSelectorError, parseLabelSelector } from './label-selector.ts';
import type { LabelSelector } from './label-selector.ts';

/** What the Ingress's annotations ask for. */
export interface IngressSettings {
  readonly backendMode: BackendMode;
  readonly clusterSelector: LabelSelector;
  readonly allowHttp: boolean;
  /** A reserved global address of the user's, used and never deleted. */
  readonly staticIpName: string | undefined;
  /** Existing SslCertificates of the user's, in annotation order, without duplicates. */
  readonly preSharedCerts: readonly string[];
}

/**
 * Reads the Ingress annotations. Each invalid value is a `BadAnnotation` error naming the
 * annotation; the setting then takes its default so that the other checks still run.
 */
export function readIngressSettings(
  annotations: Readonly<Record<string, string>> | undefined,
  defaultBackendMode: BackendMode,
): { settings: IngressSettings; errors: TranslateError[] } {
  const errors: TranslateError[] = [];
  const bad = (annotation: string, why: string) =>
    errors.push(new TranslateError('BadAnnotation', `annotation ${annotation}: ${why}`));

  let backendMode = defaultBackendMode;
  const mode = annotations?.[BACKEND_MODE_ANNOTATION];
  if (mode !== undefined) {
    if (mode === 'neg' || mode === 'instance-group') backendMode = mode;
    else bad(BACKEND_MODE_ANNOTATION, `'${mode}' is neither 'neg' nor 'instance-group'`);
  }

  let clusterSelector: LabelSelector = { requirements: [] };
  try {
    clusterSelector = parseLabelSelector(annotations?.[CLUSTER_SELECTOR_ANNOTATION] ?? '');
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    errors.push(
      new TranslateError('BadAnnotation', `annotation ${CLUSTER_SELECTOR_ANNOTATION}: ${error.message}`, {
        cause: error,
      }),
    );
  }

  let allowHttp = true;
  const allow = annotations?.[ALLOW_HTTP_ANNOTATION];
  if (allow !== undefined) {
    if (allow === 'true' || allow === 'false') allowHttp = allow === 'true';
    else bad(ALLOW_HTTP_ANNOTATION, `'${allow}' is neither "true" nor "false"`);
  }

  let staticIpName: string | undefined;
  const staticIp = annotations?.[STATIC_IP_ANNOTATION];
  if (staticIp !== undefined) {
    if (isValidGceName(staticIp)) staticIpName = staticIp;
    else bad(STATIC_IP_ANNOTATION, `'${staticIp}' is not a valid GCE address name`);
  }

  const preSharedCerts: string[] = [];
  for (const raw of (annotations?.[PRE_SHARED_CERT_ANNOTATION] ?? '').split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!isValidGceName(name))
      bad(PRE_SHARED_CERT_ANNOTATION, `'${name}' is not a valid GCE certificate name`);
    else if (!preSharedCerts.includes(name)) preSharedCerts.push(name);
  }

  return { settings: { backendMode, clusterSelector, allowHttp, staticIpName, preSharedCerts }, errors };
}

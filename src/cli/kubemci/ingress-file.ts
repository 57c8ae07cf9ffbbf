/**
 * The Ingress file of `--ingress`: read as kubemci did (one Ingress; namespace from the file,
 * else `--namespace`, else `default`; class `gce-multi-cluster` when none; `--static-ip` only when
 * the file names none) and brought to the networking.k8s.io/v1 shape translate reads, so kubemci's
 * `extensions/v1beta1` files work unchanged. Pure.
 */
import { parseAllDocuments } from 'yaml';
import type { Ingress, IngressBackend, IngressRule, IngressSpec } from '../../model/ingress.ts';
import {
  INGRESS_CLASS,
  INGRESS_CLASS_ANNOTATION,
  LEGACY_INGRESS_CLASS,
  STATIC_IP_ANNOTATION,
} from '../../translate/annotations.ts';
import { KubemciError } from './errors.ts';
import { checkLbName } from './options.ts';

/** The Ingress API versions accepted: kubemci's and today's. */
const API_VERSIONS = ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1'];

/** The multicluster Ingress a command works on. */
export interface LoadedIngress {
  /**
   * The Ingress as translate reads it: `metadata.name` is the load balancer's name (every GCE
   * name and member object derives from it), `metadata.namespace` is set.
   */
  readonly ingress: Ingress;
  readonly lbName: string;
  readonly namespace: string;
}

/** How the command line adjusts the file. */
export interface IngressOverrides {
  readonly lbName?: string;
  readonly namespace?: string;
  readonly staticIp?: string;
}

/**
 * Reads the Ingress in `text` (from `source`, for messages). Throws KubemciError when the text is
 * not YAML, holds no Ingress or several, has no valid load balancer name, names another ingress
 * class, or conflicts with `--namespace` or `--static-ip`.
 */
export function loadIngress(text: string, source: string, overrides: IngressOverrides = {}): LoadedIngress {
  const documents = parseAllDocuments(text);
  const objects: unknown[] = [];
  for (const doc of documents) {
    if (doc.errors.length > 0) {
      throw new KubemciError(`${source} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  const ingresses = objects.filter((o) => isRecord(o) && o.kind === 'Ingress');
  if (ingresses.length !== 1) {
    throw new KubemciError(`${source} must hold exactly one Ingress, found ${ingresses.length}`);
  }
  const raw = ingresses[0] as Record<string, unknown>;
  if (typeof raw.apiVersion !== 'string' || !API_VERSIONS.includes(raw.apiVersion)) {
    throw new KubemciError(
      `${source}: apiVersion ${String(raw.apiVersion)} is not one of ${API_VERSIONS.join(', ')}`,
    );
  }
  const metadata = isRecord(raw.metadata) ? raw.metadata : {};
  const fileNamespace =
    typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  if (
    fileNamespace !== undefined &&
    overrides.namespace !== undefined &&
    fileNamespace !== overrides.namespace
  ) {
    throw new KubemciError(
      `${source} is in namespace "${fileNamespace}" but --namespace says "${overrides.namespace}"`,
    );
  }
  const namespace = fileNamespace ?? overrides.namespace ?? 'default';
  const fileName = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const lbName = overrides.lbName ?? fileName;
  if (lbName === undefined) throw new KubemciError(`${source}: the Ingress has no name; give LBNAME`);
  try {
    checkLbName(lbName);
  } catch (err) {
    throw new KubemciError(`${source}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  const annotations = { ...stringRecord(metadata.annotations) };
  const spec = isRecord(raw.spec) ? raw.spec : {};
  const ingressClass = annotations[INGRESS_CLASS_ANNOTATION] ?? stringOf(spec.ingressClassName);
  if (ingressClass === undefined) annotations[INGRESS_CLASS_ANNOTATION] = LEGACY_INGRESS_CLASS;
  else if (ingressClass !== LEGACY_INGRESS_CLASS && ingressClass !== INGRESS_CLASS) {
    throw new KubemciError(
      `${source}: ingress class "${ingressClass}" is not ${LEGACY_INGRESS_CLASS} (or ${INGRESS_CLASS})`,
    );
  }
  const fileIp = annotations[STATIC_IP_ANNOTATION];
  if (overrides.staticIp !== undefined) {
    if (fileIp !== undefined && fileIp !== overrides.staticIp) {
      throw new KubemciError(
        `${source} names static IP "${fileIp}" (${STATIC_IP_ANNOTATION}) but --static-ip says "${overrides.staticIp}"`,
      );
    }
    annotations[STATIC_IP_ANNOTATION] = overrides.staticIp;
  }
  const labels = stringRecord(metadata.labels);
  return {
    ingress: {
      metadata: {
        namespace,
        name: lbName,
        annotations,
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
      },
      spec: toV1Spec(spec),
    },
    lbName,
    namespace,
  };
}

/**
 * The spec in networking.k8s.io/v1 form: v1beta1's `backend` becomes `defaultBackend` and
 * `{serviceName, servicePort}` becomes `{service: {name, port: {number | name}}}`. A v1 spec is
 * kept as written. Never throws; translate judges what is left.
 */
export function toV1Spec(spec: Record<string, unknown>): IngressSpec {
  const out: { -readonly [K in keyof IngressSpec]: IngressSpec[K] } = {};
  const className = stringOf(spec.ingressClassName);
  if (className !== undefined) out.ingressClassName = className;
  const defaultBackend = spec.defaultBackend ?? spec.backend;
  if (isRecord(defaultBackend)) out.defaultBackend = toV1Backend(defaultBackend);
  if (Array.isArray(spec.rules)) {
    out.rules = spec.rules.filter(isRecord).map((rule): IngressRule => {
      const host = stringOf(rule.host);
      const http = isRecord(rule.http) ? rule.http : undefined;
      const paths = Array.isArray(http?.paths) ? http.paths.filter(isRecord) : undefined;
      return {
        ...(host === undefined ? {} : { host }),
        ...(paths === undefined
          ? {}
          : {
              http: {
                paths: paths.map((p) => ({
                  ...(stringOf(p.path) === undefined ? {} : { path: stringOf(p.path) }),
                  ...(stringOf(p.pathType) === undefined ? {} : { pathType: stringOf(p.pathType) }),
                  backend: isRecord(p.backend) ? toV1Backend(p.backend) : {},
                })),
              },
            }),
      };
    });
  }
  if (Array.isArray(spec.tls)) {
    out.tls = spec.tls.filter(isRecord).map((t) => ({
      ...(Array.isArray(t.hosts) ? { hosts: t.hosts.filter((h): h is string => typeof h === 'string') } : {}),
      ...(stringOf(t.secretName) === undefined ? {} : { secretName: stringOf(t.secretName) }),
    }));
  }
  return out;
}

function toV1Backend(backend: Record<string, unknown>): IngressBackend {
  if (isRecord(backend.service) || isRecord(backend.resource)) return backend as IngressBackend;
  const name = stringOf(backend.serviceName);
  const port = backend.servicePort;
  if (name === undefined) return {};
  // v1beta1's servicePort is an IntOrString: a number, a numeric string, or a port name.
  const byNumber =
    typeof port === 'number'
      ? port
      : typeof port === 'string' && /^\d+$/.test(port)
        ? Number(port)
        : undefined;
  return {
    service: {
      name,
      ...(byNumber !== undefined
        ? { port: { number: byNumber } }
        : typeof port === 'string' && port !== ''
          ? { port: { name: port } }
          : {}),
    },
  };
}

/** The Services an Ingress's backends name, sorted and distinct. */
export function servicesOf(spec: IngressSpec | undefined): string[] {
  const names = new Set<string>();
  const add = (b: IngressBackend | undefined) => {
    if (b?.service?.name) names.add(b.service.name);
  };
  add(spec?.defaultBackend);
  for (const rule of spec?.rules ?? []) for (const path of rule.http?.paths ?? []) add(path.backend);
  return [...names].sort();
}

/** The Secrets `spec.tls` names, in order, distinct. */
export function tlsSecretsOf(spec: IngressSpec | undefined): string[] {
  return [...new Set((spec?.tls ?? []).flatMap((t) => (t.secretName ? [t.secretName] : [])))];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) =>
      typeof v === 'string'
        ? [[k, v]]
        : typeof v === 'number' || typeof v === 'boolean'
          ? [[k, String(v)]]
          : [],
    ),
  );
}

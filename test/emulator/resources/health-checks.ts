/**
 * Global health checks. The API fills 5 s interval, 5 s timeout and thresholds of 2, and in the
 * protocol sub-object port 80 (unless the serving port is used), request path `/` and proxy header
 * NONE. `portSpecification` is echoed only when sent, which is what ingress-gce's literal diff
 * implies. No fingerprint: PUT and PATCH apply unconditionally.
 */
import { invalidField, required } from '../errors.ts';
import type { Json } from '../schema.ts';
import { aggregatedList, crudHandlers } from './crud.ts';
import type { KindSpec } from './kind.ts';

const SUB_OBJECT: Record<string, string> = {
  HTTP: 'httpHealthCheck',
  HTTPS: 'httpsHealthCheck',
  HTTP2: 'http2HealthCheck',
  TCP: 'tcpHealthCheck',
  SSL: 'sslHealthCheck',
  GRPC: 'grpcHealthCheck',
  GRPC_WITH_TLS: 'grpcTlsHealthCheck',
};
const HAS_PATH = new Set(['HTTP', 'HTTPS', 'HTTP2']);

function intIn(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidField(field, value, `Must be between ${min} and ${max}.`);
  }
}

function buildSub(type: string, sub: Json): Json {
  const field = `resource.${SUB_OBJECT[type]}`;
  const out: Json = { ...sub };
  if (out.portSpecification === 'USE_NAMED_PORT' || out.portName !== undefined) {
    throw invalidField(
      `${field}.portSpecification`,
      out.portSpecification ?? 'USE_NAMED_PORT',
      'Named ports are not supported for global health checks.',
    );
  }
  if (out.portSpecification === 'USE_SERVING_PORT') {
    if (out.port !== undefined)
      throw invalidField(
        `${field}.port`,
        out.port,
        'A port cannot be set when portSpecification is USE_SERVING_PORT.',
      );
  } else {
    out.port ??= type === 'GRPC' || type === 'GRPC_WITH_TLS' ? undefined : 80;
    if (out.port === undefined) throw required(`${field}.port`);
    intIn(`${field}.port`, out.port, 1, 65535);
  }
  if (HAS_PATH.has(type)) {
    out.requestPath ??= '/';
    if (
      typeof out.requestPath !== 'string' ||
      !out.requestPath.startsWith('/') ||
      out.requestPath.length > 1024
    ) {
      throw invalidField(
        `${field}.requestPath`,
        out.requestPath,
        "Must start with '/' and be at most 1024 characters.",
      );
    }
  }
  if (type !== 'GRPC' && type !== 'GRPC_WITH_TLS') out.proxyHeader ??= 'NONE';
  return out;
}

/** The healthChecks kind. */
export const healthChecks: KindSpec = {
  resource: 'healthChecks',
  collection: 'healthChecks',
  scope: 'global',
  kind: 'compute#healthCheck',
  schema: 'HealthCheck',
  snakeType: 'health_check',
  quotaMetric: 'HEALTH_CHECKS',
  fingerprint: false,
  build(input) {
    const type = input.type;
    if (type === undefined) throw required('resource.type');
    if (typeof type !== 'string' || !SUB_OBJECT[type])
      throw invalidField('resource.type', type, 'Unsupported health check type.');
    for (const [t, field] of Object.entries(SUB_OBJECT)) {
      if (t !== type && input[field] !== undefined) {
        throw invalidField(
          `resource.${field}`,
          '',
          `The health check type is ${type}; only ${SUB_OBJECT[type]} may be set.`,
        );
      }
    }
    const body: Json = {
      ...input,
      checkIntervalSec: input.checkIntervalSec ?? 5,
      timeoutSec: input.timeoutSec ?? 5,
      unhealthyThreshold: input.unhealthyThreshold ?? 2,
      healthyThreshold: input.healthyThreshold ?? 2,
    };
    intIn('resource.checkIntervalSec', body.checkIntervalSec, 1, 300);
    intIn('resource.timeoutSec', body.timeoutSec, 1, 300);
    intIn('resource.healthyThreshold', body.healthyThreshold, 1, 10);
    intIn('resource.unhealthyThreshold', body.unhealthyThreshold, 1, 10);
    if ((body.timeoutSec as number) > (body.checkIntervalSec as number)) {
      throw invalidField(
        'resource.timeoutSec',
        body.timeoutSec,
        'Timeout sec must be less than or equal to check interval sec.',
      );
    }
    const subField = SUB_OBJECT[type] as string;
    body[subField] = buildSub(type, (input[subField] ?? {}) as Json);
    return { body };
  },
};

/** `compute.healthChecks.*`. */
export const healthCheckHandlers = {
  ...crudHandlers(healthChecks, ['insert', 'get', 'list', 'delete', 'update', 'patch']),
  'compute.healthChecks.aggregatedList': aggregatedList(healthChecks, 'compute#healthChecksAggregatedList'),
};

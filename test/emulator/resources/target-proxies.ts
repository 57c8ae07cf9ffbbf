/**
 * Global target HTTP and HTTPS proxies. Neither has a PUT: the URL map changes through `setUrlMap`
 * (no fingerprint, path without `global/`) or `patch` (fingerprint), the certificates through
 * `setSslCertificates`, which replaces the whole list (1 to 15 classic certificates).
 */
import type { Core, Handler } from '../core.ts';
import { invalidField, required } from '../errors.ts';
import type { Json } from '../schema.ts';
import { checkBody } from '../schema.ts';
import { stripBase } from './backend-services.ts';
import { aggregatedList, crudHandlers, findRecord, replaceBody, writable } from './crud.ts';
import type { KindSpec } from './kind.ts';

/** Classic certificates per target HTTPS proxy (a hard limit of GCE). */
export const MAX_CERTIFICATES = 15;

function urlMapLink(core: Core, project: string, field: string, value: unknown): string {
  if (value === undefined) throw required(field);
  return core.link(core.resolve(field, value, { collections: ['urlMaps'], project }).path);
}

function certificateLinks(core: Core, project: string, field: string, value: unknown): string[] {
  const certs = (value ?? []) as unknown[];
  if (certs.length === 0) throw invalidField(field, '', 'At least one SSL certificate must be specified.');
  if (certs.length > MAX_CERTIFICATES) {
    throw invalidField(
      field,
      '',
      `At most ${MAX_CERTIFICATES} SSL certificates can be attached to a target HTTPS proxy.`,
    );
  }
  const links = certs.map((c, i) =>
    core.link(core.resolve(`${field}[${i}]`, c, { collections: ['sslCertificates'], project }).path),
  );
  if (new Set(links).size !== links.length) throw invalidField(field, '', 'Duplicate SSL certificates.');
  return links;
}

/** The targetHttpProxies kind. */
export const targetHttpProxies: KindSpec = {
  resource: 'targetHttpProxies',
  collection: 'targetHttpProxies',
  scope: 'global',
  kind: 'compute#targetHttpProxy',
  schema: 'TargetHttpProxy',
  snakeType: 'target_http_proxy',
  quotaMetric: 'TARGET_HTTP_PROXIES',
  fingerprint: true,
  build(input, ctx) {
    return { body: { ...input, urlMap: urlMapLink(ctx.core, ctx.project, 'resource.urlMap', input.urlMap) } };
  },
  references: (body) => [stripBase(String(body.urlMap))],
};

/** The targetHttpsProxies kind. */
export const targetHttpsProxies: KindSpec = {
  resource: 'targetHttpsProxies',
  collection: 'targetHttpsProxies',
  scope: 'global',
  kind: 'compute#targetHttpsProxy',
  schema: 'TargetHttpsProxy',
  snakeType: 'target_https_proxy',
  quotaMetric: 'TARGET_HTTPS_PROXIES',
  fingerprint: true,
  build(input, ctx) {
    const body: Json = {
      ...input,
      urlMap: urlMapLink(ctx.core, ctx.project, 'resource.urlMap', input.urlMap),
    };
    if (input.certificateMap === undefined || input.sslCertificates !== undefined) {
      body.sslCertificates = certificateLinks(
        ctx.core,
        ctx.project,
        'resource.sslCertificates',
        input.sslCertificates,
      );
    }
    if (input.sslPolicy !== undefined) {
      body.sslPolicy = ctx.core.link(
        ctx.core.resolve('resource.sslPolicy', input.sslPolicy, {
          collections: ['sslPolicies'],
          project: ctx.project,
        }).path,
      );
    }
    body.quicOverride ??= 'NONE';
    return { body };
  },
  references: (body) => [
    stripBase(String(body.urlMap)),
    ...((body.sslCertificates ?? []) as string[]).map(stripBase),
  ],
};

function setUrlMap(spec: KindSpec): Handler {
  return (call, core) => {
    const record = findRecord(core, spec, call);
    core.assertIdle(record);
    const input = checkBody('UrlMapReference', call.body, core.config.rejectUnknownFields, 'urlMapReference');
    const urlMap = urlMapLink(core, record.project, 'urlMapReference.urlMap', input.urlMap);
    return replaceBody(call, core, spec, record, 'setUrlMap', { ...writable(spec, record.body), urlMap });
  };
}

const setSslCertificates: Handler = (call, core) => {
  const record = findRecord(core, targetHttpsProxies, call);
  core.assertIdle(record);
  const input = checkBody(
    'TargetHttpsProxiesSetSslCertificatesRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  const sslCertificates = certificateLinks(
    core,
    record.project,
    'request.sslCertificates',
    input.sslCertificates,
  );
  return replaceBody(call, core, targetHttpsProxies, record, 'setSslCertificates', {
    ...writable(targetHttpsProxies, record.body),
    sslCertificates,
  });
};

const setQuicOverride: Handler = (call, core) => {
  const record = findRecord(core, targetHttpsProxies, call);
  core.assertIdle(record);
  const input = checkBody(
    'TargetHttpsProxiesSetQuicOverrideRequest',
    call.body,
    core.config.rejectUnknownFields,
    'request',
  );
  if (input.quicOverride === undefined) throw required('request.quicOverride');
  return replaceBody(call, core, targetHttpsProxies, record, 'setQuicOverride', {
    ...writable(targetHttpsProxies, record.body),
    quicOverride: input.quicOverride,
  });
};

/** `compute.targetHttpProxies.*` and `compute.targetHttpsProxies.*`. */
export const targetProxyHandlers: Record<string, Handler> = {
  ...crudHandlers(targetHttpProxies, ['insert', 'get', 'list', 'delete', 'patch']),
  'compute.targetHttpProxies.setUrlMap': setUrlMap(targetHttpProxies),
  'compute.targetHttpProxies.aggregatedList': aggregatedList(targetHttpProxies),
  ...crudHandlers(targetHttpsProxies, ['insert', 'get', 'list', 'delete', 'patch']),
  'compute.targetHttpsProxies.setUrlMap': setUrlMap(targetHttpsProxies),
  'compute.targetHttpsProxies.setSslCertificates': setSslCertificates,
  'compute.targetHttpsProxies.setQuicOverride': setQuicOverride,
  'compute.targetHttpsProxies.aggregatedList': aggregatedList(targetHttpsProxies),
};

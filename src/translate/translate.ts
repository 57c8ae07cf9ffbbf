import { KINDS_IN_DEPENDENCY_ORDER } from '../model/gce.ts';
import type { DesiredResource } from '../model/gce.ts';
import { resourceUrl } from '../model/gce-urls.ts';
import { TranslateError } from '../model/translate.ts';
import type {
  BackendMode,
  BackendSummary,
  DerivedServiceSpec,
  FrontendSummary,
  HealthCheckTiming,
  TranslateInput,
  TranslateOptions,
  TranslateResult,
  TranslateWarning,
} from '../model/translate.ts';
import { backendServiceName, derivedServiceName, frontendNames, urlMapName } from '../naming/gce-names.ts';
import type { IngressIdentity } from '../naming/gce-names.ts';
import { ownershipDescription } from '../naming/ownership.ts';
import { capacityScalerOf } from './capacity.ts';
import type { BackendRef } from './ingress-backends.ts';
import { readIngressSettings } from './ingress-settings.ts';
import { ProblemCollector } from './problems.ts';
import { resolveBackend } from './resolve-backends.ts';
import type { MemberView } from './resolve-backends.ts';
import { selectClusters } from './select-clusters.ts';
import { toBackendService } from './to-backend-service.ts';
import { toCertificates } from './to-certificates.ts';
import { toFirewalls } from './to-firewall.ts';
import { toFrontend } from './to-frontend.ts';
import { toRouting, toUrlMapBody } from './to-url-map.ts';

/** GCLB's proxy and health-check source ranges (the firewall's default sources). */
export const DEFAULT_SOURCE_RANGES: readonly string[] = ['130.211.0.0/22', '35.191.0.0/16'];

/**
 * Health-check timing: ingress-gce's container-native numbers, for both modes. An unhealthy
 * backend is out after about 2 x 15 s (kubemci's 60 s x 10 took ten minutes, its issue #135).
 */
export const DEFAULT_HEALTH_CHECK_TIMING: HealthCheckTiming = {
  checkIntervalSec: 15,
  timeoutSec: 15,
  healthyThreshold: 1,
  unhealthyThreshold: 2,
};

/** Defaults of the optional {@link TranslateOptions}. */
export const TRANSLATE_DEFAULTS = {
  defaultBackendMode: 'neg' as BackendMode,
  maxRatePerEndpoint: 100,
  // kubemci's value: so large that each region's nearest groups take all traffic until unhealthy.
  maxRatePerInstance: 1e14,
  network: 'default',
  backendTimeoutSec: 30,
  connectionDrainingTimeoutSec: 30,
} as const;

function compareResources(a: DesiredResource, b: DesiredResource): number {
  const byKind = KINDS_IN_DEPENDENCY_ORDER.indexOf(a.kind) - KINDS_IN_DEPENDENCY_ORDER.indexOf(b.kind);
  return byKind !== 0 ? byKind : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Translates a multicluster Ingress, the clusters it may span, what is known about them and its
 * TLS Secrets into the desired GCE graph of one global external HTTP(S) load balancer.
 *
 * Total and pure: never throws on any input and does no I/O; equal inputs give equal results,
 * with every list in a stable order. Problems of one member (Service missing, NEGs not ready,
 * unreachable) are reported in `clusterProblems` and leave that member's backends out. Errors of
 * the Ingress (bad annotations, paths or Secrets, members disagreeing, limits exceeded) are in
 * `errors`, and then `desired` is empty: do not plan. Whether the Ingress is multicluster at all
 * is the caller's question (isMulticlusterIngress).
 */
export function translate(input: TranslateInput, options: TranslateOptions): TranslateResult {
  const namespace = input.ingress.metadata?.namespace;
  const name = input.ingress.metadata?.name;
  const { settings, errors } = readIngressSettings(
    input.ingress.metadata?.annotations,
    options.defaultBackendMode ?? TRANSLATE_DEFAULTS.defaultBackendMode,
  );
  if (namespace === undefined || namespace === '' || name === undefined || name === '') {
    return {
      desired: [],
      errors: [new TranslateError('InvalidIngress', 'the Ingress has no namespace or name'), ...errors],
      clusterProblems: [],
      warnings: [],
      selectedClusters: [],
      backendMode: settings.backendMode,
      backends: [],
      frontend: undefined,
      derivedServices: [],
    };
  }

  const owner: IngressIdentity = { instanceId: options.instanceId, namespace, name };
  const mode = settings.backendMode;
  const warnings: TranslateWarning[] = [];
  const problems = new ProblemCollector();

  const selected = selectClusters(settings.clusterSelector, input.clusters);
  if (selected.length === 0) {
    warnings.push({
      code: 'NoClusters',
      message: 'no opted-in cluster matches the cluster selector; nothing serves traffic',
    });
  }
  const views: MemberView[] = selected.map((cluster) => ({
    cluster,
    facts: input.memberFacts[cluster.name],
  }));
  const viewByName = new Map(views.map((view) => [view.cluster.name, view]));
  const capacities = new Map<string, number>();
  for (const view of views) {
    if (view.facts === undefined) {
      problems.report(
        view.cluster.name,
        'NoFacts',
        'nothing is known about the cluster yet; it has no backends',
      );
    } else if (!view.facts.reachable) {
      problems.report(
        view.cluster.name,
        'Unreachable',
        'its API is unreachable; its last-known backends are kept',
      );
    }
    capacities.set(view.cluster.name, capacityScalerOf(view.cluster, problems));
  }

  const routed = toRouting(input.ingress.spec);
  errors.push(...routed.errors);
  warnings.push(...routed.warnings);

  const desired: DesiredResource[] = [];
  const backends: BackendSummary[] = [];
  const portsByCluster = new Map<string, Set<number>>();
  const derivedPorts = new Map<string, { cluster: string; service: string; ports: Set<number> }>();
  const context = {
    project: options.project,
    instanceId: options.instanceId,
    namespace,
    mode,
    owner,
    timing: { ...DEFAULT_HEALTH_CHECK_TIMING, ...options.healthCheck },
    maxRatePerEndpoint: options.maxRatePerEndpoint ?? TRANSLATE_DEFAULTS.maxRatePerEndpoint,
    maxRatePerInstance: options.maxRatePerInstance ?? TRANSLATE_DEFAULTS.maxRatePerInstance,
    backendTimeoutSec: options.backendTimeoutSec ?? TRANSLATE_DEFAULTS.backendTimeoutSec,
    drainingTimeoutSec:
      options.connectionDrainingTimeoutSec ?? TRANSLATE_DEFAULTS.connectionDrainingTimeoutSec,
  };
  for (const ref of routed.routing.backends) {
    const resolution = resolveBackend(ref, namespace, views, mode, problems);
    errors.push(...resolution.errors);
    const backend = toBackendService(resolution.resolved, viewByName, capacities, context, problems);
    errors.push(...backend.errors);
    warnings.push(...backend.warnings);
    desired.push(...backend.resources);
    backends.push(backend.summary);
    for (const member of resolution.resolved.members) {
      const ports = portsByCluster.get(member.cluster) ?? new Set<number>();
      portsByCluster.set(member.cluster, ports);
      if (mode === 'instance-group') {
        if (resolution.resolved.nodePort !== undefined) ports.add(resolution.resolved.nodePort);
      } else {
        for (const port of member.targetPorts) ports.add(port);
        const key = `${member.cluster}\n${ref.service}`;
        const derived = derivedPorts.get(key) ?? {
          cluster: member.cluster,
          service: ref.service,
          ports: new Set(),
        };
        derivedPorts.set(key, derived);
        derived.ports.add(member.servicePort.port);
      }
    }
  }

  const serviceUrl = (ref: BackendRef) =>
    resourceUrl(
      options.project,
      'backendServices',
      backendServiceName(owner, { service: ref.service, port: ref.port }),
    );
  const urlMapBody = toUrlMapBody(
    routed.routing,
    urlMapName(owner),
    ownershipDescription(owner, 'url map'),
    serviceUrl,
  );

  const certificates = toCertificates(
    input.ingress.spec?.tls ?? [],
    settings.preSharedCerts,
    input.secrets,
    owner,
  );
  errors.push(...certificates.errors);
  warnings.push(...certificates.warnings);
  desired.push(...certificates.resources);
  const certificateNames = certificates.summaries.map((c) => c.name);
  if (!settings.allowHttp && certificateNames.length === 0) {
    errors.push(
      new TranslateError(
        'NoFrontend',
        'allow-http is "false" and there is no certificate: the load balancer would listen nowhere',
      ),
    );
  }

  desired.push(
    ...toFrontend({
      owner,
      project: options.project,
      urlMapBody,
      backendServices: backends.map((b) => b.backendService),
      staticIpName: settings.staticIpName,
      allowHttp: settings.allowHttp,
      certificates: certificateNames,
    }),
  );

  const firewalls = toFirewalls(
    {
      owner,
      project: options.project,
      defaultNetwork: options.network ?? TRANSLATE_DEFAULTS.network,
      sourceRanges: options.sourceRanges ?? DEFAULT_SOURCE_RANGES,
      views,
      portsByCluster,
    },
    problems,
  );
  desired.push(...firewalls.resources);
  warnings.push(...firewalls.warnings);

  const names = frontendNames(owner);
  const frontend: FrontendSummary = {
    address: { name: settings.staticIpName ?? names.address, external: settings.staticIpName !== undefined },
    urlMap: names.urlMap,
    ...(settings.allowHttp
      ? { targetHttpProxy: names.targetHttpProxy, httpForwardingRule: names.httpForwardingRule }
      : {}),
    ...(certificateNames.length > 0
      ? { targetHttpsProxy: names.targetHttpsProxy, httpsForwardingRule: names.httpsForwardingRule }
      : {}),
    sslCertificates: certificates.summaries,
    firewalls: firewalls.resources.map((r) => r.name),
  };

  const derivedServices: DerivedServiceSpec[] = [...derivedPorts.values()]
    .map((d) => ({
      cluster: d.cluster,
      namespace,
      name: derivedServiceName(options.instanceId, namespace, d.service),
      service: d.service,
      ports: [...d.ports].sort((a, b) => a - b),
    }))
    .sort((a, b) =>
      a.cluster !== b.cluster ? (a.cluster < b.cluster ? -1 : 1) : a.service < b.service ? -1 : 1,
    );

  return {
    desired: errors.length > 0 ? [] : desired.sort(compareResources),
    errors,
    clusterProblems: problems.list(),
    warnings,
    selectedClusters: selected.map((cluster) => cluster.name),
    backendMode: mode,
    backends,
    frontend,
    derivedServices,
  };
}

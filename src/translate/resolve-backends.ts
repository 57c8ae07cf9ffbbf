import type { ClusterInfo } from '../model/cluster.ts';
import type { MemberFacts, MemberService, MemberServicePort } from '../model/member-facts.ts';
import { TranslateError } from '../model/translate.ts';
import type { BackendMode, BackendProtocol } from '../model/translate.ts';
import { APP_PROTOCOLS_ALPHA_ANNOTATION, APP_PROTOCOLS_ANNOTATION } from './annotations.ts';
import { describeBackend } from './ingress-backends.ts';
import type { BackendRef } from './ingress-backends.ts';
import type { ProblemCollector } from './problems.ts';

/** A selected cluster with what is known about it. */
export interface MemberView {
  readonly cluster: ClusterInfo;
  readonly facts: MemberFacts | undefined;
}

/** A backend as one member serves it. */
export interface MemberBackend {
  readonly cluster: string;
  readonly servicePort: MemberServicePort;
  /** Container ports the Service port reaches (the firewall opens them in `neg` mode). */
  readonly targetPorts: readonly number[];
}

/** A backend resolved across the selected members. */
export interface ResolvedBackend {
  readonly ref: BackendRef;
  readonly protocol: BackendProtocol;
  readonly healthCheckPath: string;
  /** `instance-group` mode: the NodePort every serving member agrees on. */
  readonly nodePort: number | undefined;
  /** The members that serve the backend, sorted by cluster name. */
  readonly members: readonly MemberBackend[];
}

function list(names: Iterable<string>): string {
  return [...names].sort().join(', ');
}

function protocolOf(
  cluster: string,
  serviceName: string,
  service: MemberService,
  port: MemberServicePort,
  problems: ProblemCollector,
): BackendProtocol {
  const annotation =
    service.annotations?.[APP_PROTOCOLS_ANNOTATION] ?? service.annotations?.[APP_PROTOCOLS_ALPHA_ANNOTATION];
  if (annotation !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(annotation);
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const byPort = parsed as Record<string, unknown>;
      const value = (port.name !== undefined ? byPort[port.name] : undefined) ?? byPort[String(port.port)];
      if (value === undefined) return fromAppProtocol(port.appProtocol);
      if (typeof value === 'string' && ['HTTP', 'HTTPS', 'HTTP2'].includes(value.toUpperCase())) {
        return value.toUpperCase() as BackendProtocol;
      }
    }
    problems.report(
      cluster,
      'InvalidAppProtocols',
      `Service ${serviceName}: app-protocols annotation is not valid; using HTTP`,
    );
    return 'HTTP';
  }
  return fromAppProtocol(port.appProtocol);
}

function fromAppProtocol(appProtocol: string | undefined): BackendProtocol {
  switch (appProtocol?.toLowerCase()) {
    case 'https':
      return 'HTTPS';
    case 'http2':
    case 'kubernetes.io/h2c':
      return 'HTTP2';
    default:
      return 'HTTP';
  }
}

function probePathsOf(service: MemberService, port: MemberServicePort): string[] {
  const key = String(port.targetPort ?? port.port);
  const paths = service.readinessProbePaths?.[key] ?? [];
  // GCE requires the leading slash that a probe may omit.
  return [...new Set(paths.map((p) => (p.startsWith('/') ? p : `/${p}`)))].sort();
}

function targetPortsOf(
  cluster: string,
  serviceName: string,
  service: MemberService,
  port: MemberServicePort,
  problems: ProblemCollector,
): number[] {
  const target = port.targetPort;
  if (target === undefined) return [port.port];
  if (typeof target === 'number') return [target];
  if (/^\d+$/.test(target)) return [Number(target)];
  const numbers = service.targetPortNumbers?.[target] ?? [];
  if (numbers.length === 0) {
    problems.report(
      cluster,
      'UnresolvedTargetPort',
      `Service ${serviceName}: targetPort '${target}' matches no container port of its pods; the firewall does not open it`,
    );
  }
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/**
 * Resolves one backend in every selected member. A member without the Service is that member's
 * problem (its backends are left out); the Service missing everywhere, the port missing in some
 * member that has the Service, members disagreeing on protocol, probe path or (instance-group
 * mode) NodePort are errors of the Ingress, naming the clusters.
 */
export function resolveBackend(
  ref: BackendRef,
  namespace: string,
  views: readonly MemberView[],
  mode: BackendMode,
  problems: ProblemCollector,
): { resolved: ResolvedBackend; errors: TranslateError[] } {
  const errors: TranslateError[] = [];
  const serviceName = `${namespace}/${ref.service}`;
  const known = views.filter((view) => view.facts?.services !== undefined);
  const withService = known.filter((view) => view.facts!.services![ref.service] !== undefined);
  if (known.length > 0 && withService.length === 0) {
    const clusters = known.map((view) => view.cluster.name);
    errors.push(
      new TranslateError(
        'ServiceNotFound',
        `Service ${serviceName} exists in no selected cluster (${list(clusters)})`,
        { clusters },
      ),
    );
  }
  // When the Service is missing everywhere, the error says it all; per-cluster problems are for
  // the members that lag behind the others.
  for (const view of withService.length > 0 ? known : []) {
    if (!withService.includes(view)) {
      problems.report(
        view.cluster.name,
        'ServiceMissing',
        `Service ${serviceName} not found; its backends are left out`,
      );
    }
  }

  const found: Array<{ cluster: string; service: MemberService; port: MemberServicePort }> = [];
  const portMissing: string[] = [];
  for (const view of withService) {
    const service = view.facts!.services![ref.service]!;
    const port = service.ports.find((p) =>
      typeof ref.port === 'number' ? p.port === ref.port : p.name === ref.port,
    );
    if (port === undefined) portMissing.push(view.cluster.name);
    else found.push({ cluster: view.cluster.name, service, port });
  }
  if (portMissing.length > 0) {
    const message =
      found.length === 0
        ? `Service ${serviceName} has no port ${ref.port} (clusters ${list(portMissing)})`
        : `clusters disagree on Service ${serviceName}: port ${ref.port} exists in ${list(found.map((f) => f.cluster))} ` +
          `but not in ${list(portMissing)}`;
    errors.push(new TranslateError('PortNotFound', message, { clusters: portMissing }));
  }

  const protocols = new Map<BackendProtocol, string[]>();
  const paths = new Map<string, string[]>();
  for (const f of found) {
    const protocol = protocolOf(f.cluster, serviceName, f.service, f.port, problems);
    protocols.set(protocol, [...(protocols.get(protocol) ?? []), f.cluster]);
    for (const path of probePathsOf(f.service, f.port))
      paths.set(path, [...(paths.get(path) ?? []), f.cluster]);
  }
  if (protocols.size > 1) {
    const detail = [...protocols].map(([p, clusters]) => `${p} in ${list(clusters)}`).join('; ');
    errors.push(
      new TranslateError(
        'ProtocolMismatch',
        `clusters disagree on the protocol of ${serviceName} port ${ref.port}: ${detail}`,
        {
          clusters: found.map((f) => f.cluster),
        },
      ),
    );
  }
  if (paths.size > 1) {
    const detail = [...paths].map(([p, clusters]) => `${p} in ${list(clusters)}`).join('; ');
    errors.push(
      new TranslateError(
        'ProbePathMismatch',
        `readiness probes of ${describeBackend({ ...ref, service: serviceName })} disagree on the health-check path: ${detail}`,
        { clusters: [...new Set([...paths.values()].flat())] },
      ),
    );
  }

  let serving = found;
  let nodePort: number | undefined;
  if (mode === 'instance-group') {
    serving = found.filter((f) => {
      if (f.port.nodePort !== undefined && f.port.nodePort > 0) return true;
      problems.report(
        f.cluster,
        'NodePortMissing',
        `Service ${serviceName} port ${ref.port} has no NodePort (instance-group mode needs type NodePort); its backends are left out`,
      );
      return false;
    });
    const nodePorts = new Map<number, string[]>();
    for (const f of serving)
      nodePorts.set(f.port.nodePort!, [...(nodePorts.get(f.port.nodePort!) ?? []), f.cluster]);
    if (nodePorts.size > 1) {
      const detail = [...nodePorts].map(([p, clusters]) => `${p} in ${list(clusters)}`).join('; ');
      errors.push(
        new TranslateError(
          'NodePortMismatch',
          `instance-group mode needs the same NodePort everywhere, but ${serviceName} port ${ref.port} has ${detail}`,
          { clusters: serving.map((f) => f.cluster) },
        ),
      );
    }
    nodePort = nodePorts.size === 1 ? [...nodePorts.keys()][0] : undefined;
  }

  const members = serving.map((f) => ({
    cluster: f.cluster,
    servicePort: f.port,
    targetPorts: mode === 'neg' ? targetPortsOf(f.cluster, serviceName, f.service, f.port, problems) : [],
  }));
  return {
    resolved: {
      ref,
      protocol: protocols.size === 1 ? [...protocols.keys()][0]! : 'HTTP',
      healthCheckPath: paths.size === 1 ? [...paths.keys()][0]! : '/',
      nodePort,
      members,
    },
    errors,
  };
}

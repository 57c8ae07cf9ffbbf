/**
 * From a member's Service and its pods to the MemberService translate reads: ports as written,
 * readiness-probe paths matched through the Service's `targetPort` (the container port that the
 * targetPort names or numbers on the Service's pods, which kubemci never did), and the numbers a
 * named targetPort resolves to. Pure.
 */
import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import type { MemberService, MemberServicePort } from '../model/member-facts.ts';

/** The Service annotations translate reads (backend protocols); others are left out of facts. */
export const SERVICE_FACT_ANNOTATIONS = [
  'cloud.google.com/app-protocols',
  'service.alpha.kubernetes.io/app-protocols',
] as const;

/**
 * A Service's equality-based selector as a label-selector string (`a=1,b=2`, keys sorted), for
 * listing its pods; undefined when it has none (a Service without selector selects no pods).
 */
export function selectorString(selector: Readonly<Record<string, string>> | undefined): string | undefined {
  const entries = Object.entries(selector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** True when every key of a non-empty `selector` has its value in `labels`. */
export function selectorMatches(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/**
 * The pods whose probes count: pods that are neither finished nor being deleted; of those only
 * the ready ones when any is ready. Ready pods are what serve, so during a rollout the pods not
 * yet ready (perhaps with a new probe path) do not make the members look divided; before any pod
 * is ready (just deployed, or no kubelet at all) the pod specs are all there is to read.
 */
export function servingPods(pods: readonly V1Pod[]): V1Pod[] {
  const live = pods.filter(
    (p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const ready = live.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return ready.length > 0 ? ready : live;
}

/**
 * The MemberService of `service`, reading probes from those of `pods` its selector matches (the
 * rest are ignored, so one pod list may serve several Services). Never throws.
 */
export function toMemberService(service: V1Service, pods: readonly V1Pod[]): MemberService {
  const selector = service.spec?.selector;
  const selected = servingPods(pods.filter((p) => selectorMatches(selector, p.metadata?.labels)));
  const ports: MemberServicePort[] = (service.spec?.ports ?? []).map((p) =>
    compact({
      name: p.name || undefined,
      port: p.port,
      targetPort: p.targetPort,
      nodePort: p.nodePort || undefined,
      protocol: p.protocol,
      appProtocol: p.appProtocol,
    }),
  );
  const readinessProbePaths: Record<string, string[]> = {};
  const targetPortNumbers: Record<string, number[]> = {};
  for (const port of ports) {
    const target = port.targetPort ?? port.port;
    const key = String(target);
    if (key in readinessProbePaths || key in targetPortNumbers) continue;
    const found = probesThrough(target, selected);
    if (found.paths.length > 0) readinessProbePaths[key] = found.paths;
    if (!isNumeric(target) && found.numbers.length > 0) targetPortNumbers[key] = found.numbers;
  }
  const annotations: Record<string, string> = {};
  for (const key of SERVICE_FACT_ANNOTATIONS) {
    const value = service.metadata?.annotations?.[key];
    if (value !== undefined) annotations[key] = value;
  }
  return {
    ports,
    ...(selector && Object.keys(selector).length > 0 ? { selector: { ...selector } } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ...(Object.keys(readinessProbePaths).length > 0 ? { readinessProbePaths } : {}),
    ...(Object.keys(targetPortNumbers).length > 0 ? { targetPortNumbers } : {}),
  };
}

/**
 * The HTTP readiness-probe paths (sorted, distinct; an empty path is `/`) of the containers that
 * serve `target` on `pods`, and the container port numbers `target` resolves to. A container
 * serves a numbered target when it declares that container port, or (ports need not be declared)
 * when its probe is on that number; a named target, when it declares a port of that name. Its
 * probe counts when it is an httpGet on that same container port, by number or by name.
 */
export function probesThrough(
  target: number | string,
  pods: readonly V1Pod[],
): { paths: string[]; numbers: number[] } {
  const paths = new Set<string>();
  const numbers = new Set<number>();
  for (const pod of pods) {
    for (const container of pod.spec?.containers ?? []) {
      const served = servedPort(container, target);
      if (served === undefined) continue;
      numbers.add(served);
      const probe = container.readinessProbe?.httpGet;
      if (probe && resolvePort(container, probe.port) === served) paths.add(probe.path || '/');
    }
  }
  return { paths: [...paths].sort(), numbers: [...numbers].sort((a, b) => a - b) };
}

function servedPort(container: V1Container, target: number | string): number | undefined {
  const ports = container.ports ?? [];
  if (isNumeric(target)) {
    const n = Number(target);
    if (ports.some((p) => p.containerPort === n)) return n;
    const probePort = container.readinessProbe?.httpGet?.port;
    return probePort !== undefined && isNumeric(probePort) && Number(probePort) === n ? n : undefined;
  }
  return ports.find((p) => p.name === target)?.containerPort;
}

function resolvePort(container: V1Container, port: number | string): number | undefined {
  if (isNumeric(port)) return Number(port);
  return (container.ports ?? []).find((p) => p.name === port)?.containerPort;
}

function isNumeric(value: number | string): boolean {
  return typeof value === 'number' || /^\d+$/.test(value);
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

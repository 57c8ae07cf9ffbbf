import type { InstanceGroupRef, NegStatus } from '../model/member-facts.ts';
import { INSTANCE_GROUPS_ANNOTATION, NEG_STATUS_ANNOTATION } from './annotations.ts';

/**
 * Parsers and writers of the annotations member clusters exchange with GKE's controllers. Pure;
 * the kube layer calls them on what it reads and writes.
 */

/** A member annotation could not be parsed; `annotation` says which. */
export class MemberAnnotationError extends Error {
  override readonly name = 'MemberAnnotationError';
  readonly annotation: string;

  constructor(annotation: string, message: string, options?: { cause?: unknown }) {
    super(`${annotation}: ${message}`, options);
    this.annotation = annotation;
  }
}

function parseJson(annotation: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new MemberAnnotationError(annotation, 'not valid JSON', { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses `cloud.google.com/neg-status`, e.g.
 * `{"network_endpoint_groups":{"80":"k8s1-…"},"zones":["us-central1-a"]}`.
 * Throws MemberAnnotationError when it is not JSON of that shape.
 */
export function parseNegStatus(value: string): NegStatus {
  const parsed = parseJson(NEG_STATUS_ANNOTATION, value);
  if (!isRecord(parsed)) throw new MemberAnnotationError(NEG_STATUS_ANNOTATION, 'not a JSON object');
  const groups = parsed.network_endpoint_groups ?? {};
  const zones = parsed.zones ?? [];
  if (!isRecord(groups) || !Object.values(groups).every((name) => typeof name === 'string')) {
    throw new MemberAnnotationError(
      NEG_STATUS_ANNOTATION,
      'network_endpoint_groups is not a map of port to NEG name',
    );
  }
  if (!Array.isArray(zones) || !zones.every((zone) => typeof zone === 'string')) {
    throw new MemberAnnotationError(NEG_STATUS_ANNOTATION, 'zones is not a list of zone names');
  }
  return { networkEndpointGroups: groups as Record<string, string>, zones: zones as string[] };
}

/**
 * Parses `ingress.gcp.kubernetes.io/instance-groups`, a JSON list of `{"Name", "Zone"}` where
 * Zone is the zone's URL. Throws MemberAnnotationError when it is not JSON of that shape.
 */
export function parseInstanceGroups(value: string): InstanceGroupRef[] {
  const parsed = parseJson(INSTANCE_GROUPS_ANNOTATION, value);
  if (!Array.isArray(parsed)) throw new MemberAnnotationError(INSTANCE_GROUPS_ANNOTATION, 'not a JSON list');
  return parsed.map((entry, index) => {
    if (!isRecord(entry) || typeof entry.Name !== 'string' || typeof entry.Zone !== 'string') {
      throw new MemberAnnotationError(
        INSTANCE_GROUPS_ANNOTATION,
        `entry ${index} lacks a string Name and Zone`,
      );
    }
    return { name: entry.Name, zone: entry.Zone };
  });
}

/**
 * The `cloud.google.com/neg` value that asks the NEG controller for standalone NEGs on `ports`
 * (Service port numbers), e.g. `{"exposed_ports":{"80":{},"8080":{}}}`. Sorted, deterministic.
 */
export function negAnnotationValue(ports: readonly number[]): string {
  const exposed: Record<string, Record<string, never>> = {};
  for (const port of [...new Set(ports)].sort((a, b) => a - b)) exposed[String(port)] = {};
  return JSON.stringify({ exposed_ports: exposed });
}

/**
 * The GCE names GKE's in-cluster controllers (ingress-gce) give what they create, reproduced so
 * that the controller under test meets the names it would meet on GKE:
 * - instance groups: `k8s-ig--<cluster uid>`, one per zone, the same name in every zone;
 * - NEGs: `k8s1-<uid[:8]>-<namespace>-<service>-<port>-<hash8>`, where the three descriptive
 *   fields share 38 characters (63 − `k8s1-` 5 − uid 8 − hash 8 − four hyphens) trimmed in
 *   proportion to their lengths, and the hash is the first 8 hex digits of
 *   sha256(`<uid[:8]>;<namespace>;<service>;<port>`);
 * - named ports: `port<NodePort>`.
 */
import { createHash } from 'node:crypto';

/** Characters the namespace, name and port of a NEG name share (see the module comment). */
const NEG_DESCRIPTIVE_LABEL = 38;

/**
 * Shortens `fields` so that their lengths add up to at most `max`, taking from each in proportion
 * to its length (so short fields lose least). Fields that already fit are returned unchanged.
 */
export function trimFieldsEvenly(max: number, fields: readonly string[]): string[] {
  const total = fields.reduce((n, f) => n + f.length, 0);
  if (max <= 0 || total <= max) return [...fields];
  const excess = total - max;
  const lengths = fields.map((f) => f.length - Math.floor((f.length * excess) / total) - 1);
  let remaining = max - lengths.reduce((n, l) => n + l, 0);
  // Integer division rounded every length down; hand the leftover characters out from the front.
  for (let i = 0; remaining > 0; i++, remaining--) lengths[i % lengths.length]! += 1;
  return fields.map((f, i) => f.slice(0, lengths[i]));
}

/** The cluster UID as ingress-gce shortens it for NEG names (its first 8 characters). */
export function shortUid(clusterUid: string): string {
  return clusterUid.slice(0, 8);
}

/** The NEG name ingress-gce gives the NEGs of one Service port (the same name in every zone). */
export function negName(clusterUid: string, namespace: string, service: string, port: number): string {
  const uid = shortUid(clusterUid);
  const portText = String(port);
  const [ns, name, p] = trimFieldsEvenly(NEG_DESCRIPTIVE_LABEL, [namespace, service, portText]);
  const hash = createHash('sha256')
    .update([uid, namespace, service, portText].join(';'))
    .digest('hex')
    .slice(0, 8);
  return `k8s1-${uid}-${ns}-${name}-${p}-${hash}`;
}

/** The prefix every NEG name of this cluster starts with. */
export function negPrefix(clusterUid: string): string {
  return `k8s1-${shortUid(clusterUid)}-`;
}

/** The name of the cluster's unmanaged instance group, the same in every zone. */
export function instanceGroupName(clusterUid: string): string {
  // ingress-gce truncates every decorated name to 62 characters plus a trailing `0`.
  const name = `k8s-ig--${clusterUid}`;
  return name.length > 62 ? `${name.slice(0, 62)}0` : name;
}

/** The named port ingress-gce gives a NodePort on its instance groups. */
export function namedPortName(nodePort: number): string {
  return `port${nodePort}`;
}

/** The cluster UID derived from a Kubernetes UID (the kube-system namespace's): 16 hex digits. */
export function clusterUidFrom(kubeUid: string): string {
  return kubeUid.replace(/-/g, '').toLowerCase().slice(0, 16);
}

/** True if `name` is a valid GCE resource name (RFC 1035, 1–63 characters). */
export function isGceName(name: string): boolean {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}

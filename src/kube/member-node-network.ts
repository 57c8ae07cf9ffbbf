/**
 * Where the controller learns a member's node network tags and VPC network: from annotations on
 * its Cluster. GKE does not put a VM's network tags on its Node object (they live on the GCE
 * instance, e.g. `gke-<cluster>-<hash>-node`), and reading instances would need GCE calls per
 * node; the Cluster's author knows them (`gcloud compute instances describe`), and an annotation
 * keeps the firewall's targets explicit. Without tags, translate makes no firewall rule for the
 * member and reports it. Pure.
 */
import { isValidGceName } from '../naming/index.ts';

/** On a Cluster: the network tags of its nodes, separated by commas or spaces. */
export const NODE_TAGS_ANNOTATION = 'kubemci.io/node-tags';

/** On a Cluster: its nodes' VPC network, a name (`default`) or a network URL. */
export const NETWORK_ANNOTATION = 'kubemci.io/network';

/** A member's node tags and network, as far as its Cluster says. */
export interface NodeNetwork {
  readonly tags?: readonly string[];
  readonly network?: string;
  /** Tags dropped because they are not valid GCE names, for the caller to report. */
  readonly invalidTags?: readonly string[];
}

/** Reads {@link NODE_TAGS_ANNOTATION} and {@link NETWORK_ANNOTATION}. Never throws. */
export function nodeNetworkOf(cluster: {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
}): NodeNetwork {
  const annotations = cluster.metadata?.annotations ?? {};
  const raw = (annotations[NODE_TAGS_ANNOTATION] ?? '').split(/[\s,]+/).filter((t) => t !== '');
  const unique = [...new Set(raw)];
  const tags = unique.filter(isValidGceName);
  const invalidTags = unique.filter((t) => !isValidGceName(t));
  const network = annotations[NETWORK_ANNOTATION]?.trim();
  return {
    ...(tags.length > 0 ? { tags } : {}),
    ...(network ? { network } : {}),
    ...(invalidTags.length > 0 ? { invalidTags } : {}),
  };
}

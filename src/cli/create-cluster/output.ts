/**
 * Printing the Cluster the way `kubectl create` prints what it made: a "created" line by
 * default, or the object as YAML or JSON, or its resource name. Pure.
 */
import { stringify } from 'yaml';
import { CLUSTER_RESOURCE, type ClusterManifest } from './manifests.ts';
import type { OutputFormat } from './options.ts';

/**
 * The text to print for `cluster` (ending in a newline). Server-side bookkeeping that kubectl
 * hides by default (managedFields) is left out.
 */
export function formatCluster(
  cluster: ClusterManifest,
  format: OutputFormat | undefined,
  dryRun: boolean,
): string {
  const name = `${CLUSTER_RESOURCE}/${cluster.metadata.name}`;
  const { managedFields: _hidden, ...metadata } = cluster.metadata;
  const shown = { ...cluster, metadata };
  switch (format) {
    case 'name':
      return `${name}\n`;
    case 'json':
      return `${JSON.stringify(shown, null, 4)}\n`;
    case 'yaml':
      return stringify(shown);
    case undefined:
      return `${name} created${dryRun ? ' (dry run)' : ''}\n`;
  }
}

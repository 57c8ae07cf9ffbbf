/** The help texts of `kubectl mci` and its commands. */
import { DEFAULT_CLUSTER_NAMESPACE } from './defaults.ts';

const EXIT = `Exit status: 0 when all is well, 1 when the command failed or found a problem, 2 on a usage error.
Colour is used only on a terminal, and never when NO_COLOR is set.`;

const REGISTRY = `  --kubeconfig FILE       the registry cluster's kubeconfig (default: KUBECONFIG, then ~/.kube/config)
  --context CONTEXT       the registry cluster's context (default: the current context)`;

const GCE = `  --project ID            the GCE project (alias --gcp-project)
  --gce-endpoint URL      the Compute API root (default Google's)
  --access-token-file F   a bearer token for GCE (default: Application Default Credentials)`;

/** `kubectl mci` alone, or with -h. */
export const MCI_USAGE = `The operator's window into kubemci-controller: where multicluster Ingress traffic goes, and changing it safely.

Usage:
  kubectl mci list [-A | -n NS] [-o wide|json|yaml]
  kubectl mci status NAME [-n NS] [--live] [-o json|yaml]
  kubectl mci plan NAME [-n NS] --project ID [flags]
  kubectl mci drain CLUSTER [--wait [--timeout 5m]] [--force]
  kubectl mci undrain CLUSTER [--wait [--timeout 5m]]

Flags come after the command's words (kubectl only runs a plugin when they do).
Run "kubectl mci COMMAND -h" for a command's flags.

${EXIT}
`;

/** The help of each command. */
export const COMMAND_USAGE = {
  list: `List every multicluster Ingress (class kubemci or gce-multi-cluster) with its VIP, its clusters
(ready/selected), when its load balancer last changed, and its first problem.

Usage:
  kubectl mci list [-A | -n NS] [-o wide|json|yaml]

  -A, --all-namespaces    every namespace
  -n, --namespace NS      this namespace (default: the context's, else default)
  -o, --output FORMAT     wide, json or yaml
${REGISTRY}

A cluster is ready when its backends are attached, it has no problem, and no backend is known to
have no healthy endpoint. The exit status is 1 when some Ingress listed has a problem.
${EXIT}
`,
  status: `Show one multicluster Ingress: its VIP, each selected cluster with its backends, their capacity,
health and problems, the GCE resources, and the Ingress's recent Events.

Usage:
  kubectl mci status NAME [-n NS] [--live --project ID] [-o json|yaml]

  -n, --namespace NS      the Ingress's namespace (default: the context's, else default)
  --live                  ask GCE for the backends' health now (backendServices.getHealth)
${GCE}
  -o, --output FORMAT     json or yaml
${REGISTRY}

The exit status is 1 when the Ingress has a problem (an error, a cluster problem, a backend
with unhealthy endpoints, a spec not yet reconciled).
${EXIT}
`,
  plan: `Show what the controller would change in GCE for one Ingress right now, computed by the
controller's own translate and plan from live state: the Ingress, its TLS Secrets and the
Clusters in the registry, the members (through the Clusters' credentials) and GCE, read only.
Nothing is written anywhere.

Usage:
  kubectl mci plan NAME [-n NS] --project ID [flags]

  -n, --namespace NS              the Ingress's namespace (default: the context's, else default)
${GCE}
  --instance-id ID                the controller's instance ID (default: the registry's kube-system
                                  namespace UID, as the controller)
  --inventory-namespaces A,B      where the controller reads Clusters (default ${DEFAULT_CLUSTER_NAMESPACE})
  --max-rate-per-endpoint N       as the controller's flag (default 100)
  --controller-address IP         as the controller's flag, to choose Cluster endpoints
  --timeout 60s                   how long reading the members may take
  --all                           list the resources that stay as they are, too
  --exit-code                     exit 1 when the plan has changes (as git diff --exit-code)
  -o, --output FORMAT             json or yaml
${REGISTRY}

The exit status is 1 when the plan cannot be computed or applied (the Ingress cannot be
translated, a resource is not ours, a member cannot be read), or, with --exit-code, has changes.
${EXIT}
`,
  drain: `Drain a cluster: set kubemci.io/drain=true on its Cluster, so every multicluster Ingress gives
its backends capacity 0 (traffic moves to the other clusters). Refused when, for some Ingress,
no other selected, enabled, undrained cluster would serve (use --force to drain anyway; the
controller then keeps the last serving cluster at full capacity).

Usage:
  kubectl mci drain CLUSTER [-n NS] [--wait [--timeout 5m]] [--force]

  -n, --namespace NS              the Cluster's namespace (default ${DEFAULT_CLUSTER_NAMESPACE})
  --inventory-namespaces A,B      where the other serving Clusters are (default: the Cluster's namespace)
  --wait                          wait until every Ingress's status shows capacity 0 on its backends
  --timeout 5m                    how long --wait waits
  --force                         drain even the last serving cluster of an Ingress
${REGISTRY}

${EXIT}
`,
  undrain: `Undrain a cluster: remove kubemci.io/drain from its Cluster, so its backends take traffic again.

Usage:
  kubectl mci undrain CLUSTER [-n NS] [--wait [--timeout 5m]]

  -n, --namespace NS      the Cluster's namespace (default ${DEFAULT_CLUSTER_NAMESPACE})
  --wait                  wait until every Ingress's status shows capacity on its backends again
  --timeout 5m            how long --wait waits
${REGISTRY}

${EXIT}
`,
} as const;

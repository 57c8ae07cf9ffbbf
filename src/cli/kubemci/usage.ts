/** The help texts of kubemci and its commands. Pure. */
import type { CommandName } from './flags.ts';

const GCE_HELP = `GCE:
      --gcp-project ID          project of every resource (alias --project; default: gcloud's project)
      --gce-endpoint URL        Compute API root (default https://compute.googleapis.com/)
      --access-token TOKEN      bearer token for GCE
      --access-token-file FILE  file holding the bearer token (re-read when it changes)
                                (default: Application Default Credentials)
      --instance-id ID          the identity every GCE name and ownership marker derives from
                                (default kubemci-cli; never a controller's)
  -o, --output FORMAT           text (default) or json`;

const MEMBER_HELP = `Member clusters:
  -k, --kubeconfig FILE         kubeconfig of the clusters (default: KUBECONFIG, then ~/.kube/config)
      --kubecontexts A,B        contexts of the clusters (default: every context of the kubeconfig)
      --wait-timeout DURATION   how long to wait for NEGs or instance groups (default 120s)
      --node-tags CONTEXT=TAG   network tags of a cluster's nodes (repeatable; default: read from
                                one VM per zone through the nodes' providerID)`;

/** The root help text. */
export const ROOT_USAGE = `kubemci: global load balancers spanning several Kubernetes clusters (kubemci compatible).

Usage:
  kubemci COMMAND [LBNAME] [flags]

Commands:
  create           create or update a multicluster ingress
  delete           delete a multicluster ingress
  get-status       show the status of a multicluster ingress
  list             list the multicluster ingresses of a project
  remove-clusters  remove clusters from a multicluster ingress
  version          print the client version

Exit codes: 0 success, 1 failure, 2 usage error.
Run "kubemci COMMAND --help" for a command's flags.
`;

const COMMAND_USAGE: Readonly<Record<CommandName, string>> = {
  create: `Create or update a multicluster ingress: one global HTTP(S) load balancer over every cluster.

Usage:
  kubemci create [LBNAME] --ingress FILE [flags]

LBNAME defaults to the Ingress's name. Resources the spec no longer needs are deleted.

Flags:
  -i, --ingress FILE            the Ingress (networking.k8s.io/v1 or extensions/v1beta1 YAML)   [required]
  -n, --namespace NS            namespace when the file has none (default "default")
      --static-ip NAME          a reserved global address, when the Ingress names none
                                (default: an address is reserved for the load balancer)
      --backend-mode MODE       neg (default) or instance-group, when the Ingress does not say
      --validate                stop before writing when a cluster lacks a Service, NodePort or node
                                tags (default true; --validate=false leaves such clusters out)
  -f, --force                   allow dropping clusters that are in the load balancer but not named
      --dry-run                 print the plan; write nothing (with -o json: the plan as JSON)

${MEMBER_HELP}

${GCE_HELP}
`,
  delete: `Delete a multicluster ingress: its GCE resources, then its objects in the member clusters.

Usage:
  kubemci delete LBNAME [flags]
  kubemci delete --ingress FILE [flags]

Flags:
  -i, --ingress FILE            the Ingress, for its name and namespace
  -n, --namespace NS            the load balancer's namespace (default: found from GCE)
  -f, --force                   member clusters that cannot be cleaned are warnings, not failures
      --dry-run                 print what would be deleted; write nothing

${MEMBER_HELP}
  (default clusters: those the load balancer spans)

${GCE_HELP}
`,
  'get-status': `Show a multicluster ingress: its IP address and clusters. Needs no Kubernetes access.

Usage:
  kubemci get-status LBNAME [flags]

Flags:
  -n, --namespace NS            the load balancer's namespace, when the name is in several

${GCE_HELP}
`,
  list: `List the multicluster ingresses of the project. Needs no Kubernetes access.

Usage:
  kubemci list [flags]

${GCE_HELP}
`,
  'remove-clusters': `Remove clusters from a multicluster ingress: their backends are detached from the load
balancer, then their member objects are deleted. The remaining clusters are read again.

Usage:
  kubemci remove-clusters [LBNAME] --ingress FILE --kubecontexts A,B [flags]

Flags:
  -i, --ingress FILE            the Ingress                                                     [required]
      --kubecontexts A,B        the clusters to remove                                          [required]
  -n, --namespace NS            namespace when the file has none (default "default")
      --backend-mode MODE       neg or instance-group (default: what the load balancer uses)
      --validate                as for create (default true)
  -f, --force                   allow removing the last clusters; unreachable removed clusters
                                are warnings
      --dry-run                 print the plan; write nothing

${MEMBER_HELP}

${GCE_HELP}
`,
  version: `Print the client version.

Usage:
  kubemci version
`,
};

/** The help text of `command`. */
export function commandUsage(command: CommandName): string {
  return COMMAND_USAGE[command];
}

/**
 * The command line of `kubectl create cluster`, parsed and validated once into
 * CreateClusterOptions. The only place that reads the environment (`KUBECONFIG`, `HOME`), which
 * it is given rather than reaching for. Pure.
 */
import type { KubeconfigSource } from '../../kube/kubeconfig-files.ts';
import { UsageError } from '../shared/errors.ts';
import {
  kubeconfigSource,
  nonEmpty,
  onePositional,
  outputFlag,
  type KubeconfigEnv,
} from '../shared/flag-values.ts';
import {
  HELP_FLAG,
  NAMESPACE_FLAG,
  OUTPUT_FLAG,
  REGISTRY_FLAGS,
  parseFlags,
  type FlagSpec,
} from '../shared/flags.ts';
import { checkClusterName, checkNamespace } from '../shared/names.ts';
import { checkSecretName, parseCidr, parseLabels, parseServerAddress } from './validation.ts';

/** The namespace Clusters go to by default: SIG-Multicluster's home for public Cluster records. */
export const DEFAULT_NAMESPACE = 'kube-multicluster-public';

/** The label that opts a Cluster into multicluster ingress. */
export const ENABLED_LABEL = 'kubemci.io/enabled';

/** How to print the Cluster: as kubectl's `-o` does. */
export type OutputFormat = 'yaml' | 'json' | 'name';

/** The member is given by its address; its credentials, if any, are an existing Secret. */
export interface MemberByServer {
  readonly kind: 'server';
  /** An https URL, normalised. */
  readonly server: string;
  readonly clientCidr?: string;
  readonly caFile?: string;
  readonly credentialsSecret?: string;
}

/** The member is reached through a kubeconfig, used once to make the controller's own account. */
export interface MemberFromKubeconfig {
  readonly kind: 'kubeconfig';
  readonly kubeconfigPath: string;
  readonly context?: string;
}

/** Everything the command needs, validated. */
export interface CreateClusterOptions {
  readonly name: string;
  readonly namespace: string;
  readonly member: MemberByServer | MemberFromKubeconfig;
  readonly labels: Readonly<Record<string, string>>;
  /** Where the registry cluster's kubeconfig is, as kubectl would look for it. */
  readonly registry: KubeconfigSource;
  readonly registryContext?: string;
  readonly dryRun: boolean;
  readonly output?: OutputFormat;
}

/** What the command line asks for: the usage text, or a Cluster. */
export type CreateClusterCommand =
  { readonly kind: 'help' } | { readonly kind: 'create'; readonly options: CreateClusterOptions };

/** The command's usage text. */
export const USAGE = `Register a cluster in the Cluster Registry (clusters.clusterregistry.k8s.io).

Usage:
  kubectl create cluster NAME --server URL [--client-cidr CIDR] [--ca-file FILE] [--credentials-secret SECRET] [options]
  kubectl create cluster NAME --from-kubeconfig FILE [--from-context CONTEXT] [options]

Flags come after NAME (kubectl only runs a plugin when they do).

Member:
  --server URL                the member's API server (https URL or host[:port])
  --client-cidr CIDR          clients in this CIDR use --server
  --ca-file FILE              PEM file of the CA that signs the member's serving certificate
  --credentials-secret NAME   an existing Secret, beside the Cluster, the controller authenticates with
  --from-kubeconfig FILE      take the member's address and CA from this kubeconfig, and use its access
                              once to create the controller's ServiceAccount in the member; its token
                              and the CA go to the Secret NAME-credentials beside the Cluster
  --from-context CONTEXT      the context of --from-kubeconfig to use (default: its current context)

Options:
  --label KEY=VALUE           a label on the Cluster (repeatable)
  --enable                    opt the Cluster in: adds the label ${ENABLED_LABEL}=true
  -n, --namespace NS          the Cluster's namespace (default ${DEFAULT_NAMESPACE}; created if missing)
  --kubeconfig FILE           the registry cluster's kubeconfig (default: KUBECONFIG, then ~/.kube/config)
  --context CONTEXT           the registry cluster's context (default: the current context)
  --dry-run=client            print the Cluster without creating anything
  -o, --output FORMAT         yaml, json or name
  -h, --help                  show this help
`;

const FLAGS: readonly FlagSpec[] = [
  { name: 'server', kind: 'string' },
  { name: 'client-cidr', kind: 'string' },
  { name: 'ca-file', kind: 'string' },
  { name: 'credentials-secret', kind: 'string' },
  { name: 'from-kubeconfig', kind: 'string' },
  { name: 'from-context', kind: 'string' },
  { name: 'label', kind: 'list' },
  { name: 'enable', kind: 'boolean' },
  NAMESPACE_FLAG,
  ...REGISTRY_FLAGS,
  { name: 'dry-run', kind: 'optional', implied: 'client' },
  OUTPUT_FLAG,
  HELP_FLAG,
];

/** The environment variables the command reads. */
export type CreateClusterEnv = KubeconfigEnv;

/**
 * Parses and validates the arguments that follow `kubectl create cluster`. Throws UsageError,
 * with a one-line message, for unknown flags, missing or extra arguments, invalid names,
 * labels, addresses or CIDRs, and flags that do not go together.
 */
export function parseCreateClusterArgs(argv: readonly string[], env: CreateClusterEnv): CreateClusterCommand {
  const flags = parseFlags(argv, FLAGS);
  if (flags.booleans.get('help')) return { kind: 'help' };
  const name = onePositional(
    flags,
    'NAME',
    'kubectl create cluster NAME (--server URL | --from-kubeconfig FILE) [flags]',
  );
  const str = (flag: string): string | undefined => flags.strings.get(flag);

  const server = nonEmpty(flags, 'server');
  const fromKubeconfig = nonEmpty(flags, 'from-kubeconfig');
  if (server !== undefined && fromKubeconfig !== undefined) {
    throw new UsageError('--server and --from-kubeconfig cannot be used together');
  }
  let member: MemberByServer | MemberFromKubeconfig;
  if (fromKubeconfig !== undefined) {
    for (const flag of ['client-cidr', 'ca-file', 'credentials-secret']) {
      if (str(flag) !== undefined)
        throw new UsageError(`--${flag} goes with --server, not with --from-kubeconfig`);
    }
    const context = nonEmpty(flags, 'from-context');
    member = {
      kind: 'kubeconfig',
      kubeconfigPath: fromKubeconfig,
      ...(context !== undefined ? { context } : {}),
    };
  } else if (server !== undefined) {
    if (str('from-context') !== undefined) throw new UsageError('--from-context goes with --from-kubeconfig');
    const cidr = str('client-cidr');
    const caFile = nonEmpty(flags, 'ca-file');
    const secret = str('credentials-secret');
    member = {
      kind: 'server',
      server: parseServerAddress(server),
      ...(cidr !== undefined ? { clientCidr: parseCidr(cidr) } : {}),
      ...(caFile !== undefined ? { caFile } : {}),
      ...(secret !== undefined ? { credentialsSecret: checkSecretName(secret, '--credentials-secret') } : {}),
    };
  } else {
    throw new UsageError('one of --server or --from-kubeconfig is required');
  }

  const labels = parseLabels(flags.lists.get('label') ?? []);
  if (flags.booleans.get('enable')) {
    if (ENABLED_LABEL in labels && labels[ENABLED_LABEL] !== 'true') {
      throw new UsageError(`--enable conflicts with --label ${ENABLED_LABEL}=${labels[ENABLED_LABEL]}`);
    }
    labels[ENABLED_LABEL] = 'true';
  }

  const dryRun = str('dry-run');
  if (dryRun !== undefined && !['client', 'none'].includes(dryRun)) {
    throw new UsageError(
      dryRun === 'server'
        ? '--dry-run=server is not supported; use --dry-run=client'
        : `invalid --dry-run "${dryRun}": want client or none`,
    );
  }
  const output = outputFlag<OutputFormat>(flags, ['yaml', 'json', 'name'], 'yaml, json or name');
  const registry = kubeconfigSource(flags, env);
  const context = nonEmpty(flags, 'context');

  return {
    kind: 'create',
    options: {
      name: checkClusterName(name),
      namespace: checkNamespace(str('namespace') ?? DEFAULT_NAMESPACE),
      member,
      labels,
      registry,
      ...(context !== undefined ? { registryContext: context } : {}),
      dryRun: dryRun === 'client',
      ...(output !== undefined ? { output } : {}),
    },
  };
}

/**
 * Turns the options' file references into what the command needs, before any request is
 * made: the registry's access (the user's kubeconfig, as kubectl would use it) and the
 * member's address, CA and access (from --server and --ca-file, or from --from-kubeconfig).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigError, type KubeconfigSelection } from '../../kube/kubeconfig.ts';
import { toClientKubeConfig } from '../../kube/kubeconfig-client.ts';
import { loadKubeconfigSelection, readClusterCa, type ReadTextFile } from '../../kube/kubeconfig-files.ts';
import { checkKubeconfigSelection, type KubeconfigPolicy } from '../../kube/kubeconfig-policy.ts';
import { checkCaBundle, readCaFile } from './ca.ts';
import { oneLine } from '../shared/errors.ts';
import { CreateClusterError } from './errors.ts';
import type { CreateClusterOptions, MemberByServer, MemberFromKubeconfig } from './options.ts';
import { parseServerAddress } from './validation.ts';

/**
 * A member kubeconfig is data handed to the command, not the user's own configuration: it may
 * not make us run a command or call an identity provider, and it must verify the server.
 * Files it names are read (the command runs as the user, like kubectl).
 */
export const MEMBER_KUBECONFIG_POLICY: KubeconfigPolicy = {
  allowExec: false,
  allowAuthProvider: false,
  allowFiles: true,
  allowInsecure: false,
};

/** The member as the Cluster will describe it. */
export interface ResolvedMember {
  /** An https URL. */
  readonly serverAddress: string;
  readonly clientCidr?: string;
  /** PEM bytes of the CA that verifies the member's API server. */
  readonly caPem?: Buffer;
  /** --credentials-secret, when given. */
  readonly credentialsSecret?: string;
  /** With --from-kubeconfig: the user's access to the member, used once. */
  readonly access?: KubeConfig;
}

/** File reading, injected for tests. */
export interface FileReaders {
  readonly readText: ReadTextFile;
  readonly readBytes: (file: string) => Buffer;
}

/**
 * The registry's access from `--kubeconfig`/`KUBECONFIG`/`~/.kube/config` and `--context`.
 * Any credential kubectl would use is accepted: it is the user's own configuration. Throws
 * CreateClusterError when no kubeconfig is found or the context cannot be resolved.
 */
export function resolveRegistry(options: CreateClusterOptions, files: FileReaders): KubeConfig {
  const selection = withPrefix('registry kubeconfig', () =>
    loadKubeconfigSelection(options.registry, options.registryContext, files.readText),
  );
  return withPrefix('registry kubeconfig', () => toClientKubeConfig(selection, files.readText));
}

/**
 * The member's address, CA and, with --from-kubeconfig, access. Throws CreateClusterError
 * (or UsageError) when a file cannot be read, the context cannot be resolved or is refused by
 * MEMBER_KUBECONFIG_POLICY, the address is not https, or the CA does not parse.
 */
export function resolveMember(
  member: MemberByServer | MemberFromKubeconfig,
  files: FileReaders,
): ResolvedMember {
  if (member.kind === 'server') {
    return {
      serverAddress: member.server,
      ...(member.clientCidr !== undefined ? { clientCidr: member.clientCidr } : {}),
      ...(member.caFile !== undefined ? { caPem: readCaFile(member.caFile, files.readBytes) } : {}),
      ...(member.credentialsSecret !== undefined ? { credentialsSecret: member.credentialsSecret } : {}),
    };
  }
  const prefix = `--from-kubeconfig ${member.kubeconfigPath}`;
  const selection: KubeconfigSelection = withPrefix(prefix, () => {
    const sel = loadKubeconfigSelection(
      { explicitPath: member.kubeconfigPath },
      member.context,
      files.readText,
    );
    checkKubeconfigSelection(sel, MEMBER_KUBECONFIG_POLICY);
    return sel;
  });
  const { cluster, context } = selection;
  // A Cluster records an address and a CA only; a kubeconfig that needs more would register a
  // member the controller cannot reach the way the user does.
  if (cluster.tlsServerName) {
    throw new CreateClusterError(
      `${prefix}: context "${context.name}" sets tls-server-name, which a Cluster cannot record`,
    );
  }
  if (cluster.proxyUrl) {
    throw new CreateClusterError(
      `${prefix}: context "${context.name}" sets proxy-url, which a Cluster cannot record`,
    );
  }
  const serverAddress = parseServerAddress(
    cluster.server,
    `server of context "${context.name}" in ${prefix}`,
  );
  const ca = withPrefix(prefix, () => readClusterCa(cluster, files.readBytes));
  return {
    serverAddress,
    ...(ca
      ? { caPem: checkCaBundle(ca, `the certificate authority of context "${context.name}" in ${prefix}`) }
      : {}),
    access: withPrefix(prefix, () => toClientKubeConfig(selection, files.readText)),
  };
}

function withPrefix<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KubeconfigError)
      throw new CreateClusterError(`${prefix}: ${oneLine(err)}`, { cause: err });
    throw err;
  }
}

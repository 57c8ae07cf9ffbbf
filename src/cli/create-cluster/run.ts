/**
 * `kubectl create cluster`, from the argument list to an exit code: parse and check the
 * input, resolve the files it names, build the Cluster, and (unless this is a dry run)
 * register it. Everything it touches outside itself comes in through RunIo.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { tokenKubeConfig } from '../../kube/kubeconfig-client.ts';
import type { Clock } from './clock.ts';
import { oneLine } from '../shared/errors.ts';
import type { KubeApis } from './kube-apis.ts';
import { credentialsSecretName, toCluster } from './manifests.ts';
import { parseCreateClusterArgs, USAGE, type CreateClusterEnv } from './options.ts';
import { formatCluster } from './output.ts';
import { registerCluster, type CredentialsSource } from './register-cluster.ts';
import { resolveMember, resolveRegistry, type FileReaders } from './resolve-inputs.ts';

/** The command's effects. */
export interface RunIo extends FileReaders {
  readonly env: CreateClusterEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly clock: Clock;
  /** API clients for a cluster, given access to it. */
  readonly makeApis: (kubeConfig: KubeConfig, role: 'registry' | 'member') => KubeApis;
  /** How long to wait for the member's token controller. */
  readonly tokenTimeoutMs: number;
}

/**
 * Runs the command and returns its exit code: 0 when the Cluster was created (or printed, in
 * a dry run) or help was asked for, 1 after printing "error: <one line>" to stderr otherwise.
 * Never throws.
 */
export async function runCreateCluster(argv: readonly string[], io: RunIo): Promise<number> {
  try {
    const command = parseCreateClusterArgs(argv, io.env);
    if (command.kind === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    const options = command.options;
    const registryAccess = resolveRegistry(options, io);
    const member = resolveMember(options.member, io);
    const secretName = member.access ? credentialsSecretName(options.name) : member.credentialsSecret;
    const cluster = toCluster({
      name: options.name,
      namespace: options.namespace,
      labels: options.labels,
      serverAddress: member.serverAddress,
      ...(member.clientCidr !== undefined ? { clientCidr: member.clientCidr } : {}),
      ...(member.caPem ? { caPem: member.caPem } : {}),
      ...(secretName !== undefined ? { credentialsSecret: secretName } : {}),
    });
    if (options.dryRun) {
      io.stdout(formatCluster(cluster, options.output, true));
      return 0;
    }
    let credentials: CredentialsSource = { kind: 'none' };
    if (member.access) {
      const memberApis = io.makeApis(member.access, 'member');
      credentials = {
        kind: 'member-token',
        member: memberApis,
        probe: (token) =>
          io.makeApis(tokenKubeConfig(member.serverAddress, token, member.caPem), 'member').core,
        ...(member.caPem ? { caPem: member.caPem } : {}),
      };
    } else if (member.credentialsSecret !== undefined) {
      credentials = { kind: 'existing-secret', name: member.credentialsSecret };
    }
    const created = await registerCluster(cluster, credentials, {
      registry: io.makeApis(registryAccess, 'registry'),
      clock: io.clock,
      tokenTimeoutMs: io.tokenTimeoutMs,
    });
    io.stdout(formatCluster(created, options.output, false));
    return 0;
  } catch (err) {
    io.stderr(`error: ${oneLine(err)}\n`);
    return 1;
  }
}

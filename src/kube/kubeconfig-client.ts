/**
 * Turns a resolved kubeconfig context into a `@kubernetes/client-node` KubeConfig holding that
 * one context, so API clients can be made from it. Parsing stays ours (kubectl's merge and
 * path rules, policy checks on the raw fields); the client library only sends requests.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeconfigError, type KubeconfigSelection } from './kubeconfig.ts';

/**
 * A KubeConfig whose current context is `selection`'s. A `tokenFile` is read now (a command
 * that runs for seconds does not need kubectl's periodic re-read). Throws KubeconfigError when
 * the token file cannot be read.
 */
export function toClientKubeConfig(
  selection: KubeconfigSelection,
  readFile: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): KubeConfig {
  const { context, cluster, user } = selection;
  let token = user.token;
  if (!token && user.tokenFile) {
    try {
      token = readFile(user.tokenFile).trim();
    } catch (err) {
      throw new KubeconfigError(`cannot read tokenFile ${user.tokenFile} of user "${user.name}"`, {
        cause: err,
      });
    }
  }
  const userName = user.name || `${context.name}-anonymous`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caData: cluster.certificateAuthorityData,
        caFile: cluster.certificateAuthority,
        skipTLSVerify: cluster.insecureSkipTlsVerify,
        tlsServerName: cluster.tlsServerName,
        proxyUrl: cluster.proxyUrl,
      },
    ],
    users: [
      {
        name: userName,
        token,
        certData: user.clientCertificateData,
        certFile: user.clientCertificate,
        keyData: user.clientKeyData,
        keyFile: user.clientKey,
        username: user.username,
        password: user.password,
        impersonateUser: user.impersonate,
        exec: user.exec,
        authProvider: user.authProvider,
      },
    ],
    contexts: [{ name: context.name, cluster: cluster.name, user: userName, namespace: context.namespace }],
    currentContext: context.name,
  });
  return kc;
}

/**
 * A KubeConfig for a bearer token against a server, verified with `caPem` (the system's roots
 * when it is undefined). For checking credentials we are about to store. Never throws.
 */
export function tokenKubeConfig(server: string, token: string, caPem: Buffer | undefined): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser(
    { name: 'target', server, skipTLSVerify: false, ...(caPem ? { caData: caPem.toString('base64') } : {}) },
    { name: 'token', token },
  );
  return kc;
}

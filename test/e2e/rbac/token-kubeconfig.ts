// A kubeconfig that authenticates as a ServiceAccount with a bearer token, so that a process
// given it holds exactly that account's rights and no more.
import { writeFileSync } from 'node:fs';
import { kubectlOk } from '../../harness/kubectl.ts';

/** A ServiceAccount by namespace and name. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** The user name the API server gives a ServiceAccount (`system:serviceaccount:NS:NAME`). */
export function serviceAccountUser(account: ServiceAccountRef): string {
  return `system:serviceaccount:${account.namespace}:${account.name}`;
}

/**
 * Mints a bound token for `account` with the TokenRequest API (`kubectl create token`), as the
 * holder of `adminKubeconfig`. Rejects with kubectl's stderr when the account does not exist or
 * the caller may not create tokens for it.
 */
export async function mintToken(
  kubectlPath: string,
  adminKubeconfig: string,
  account: ServiceAccountRef,
  duration = '1h',
): Promise<string> {
  const out = await kubectlOk(kubectlPath, [
    'create',
    'token',
    account.name,
    '-n',
    account.namespace,
    `--duration=${duration}`,
    '--kubeconfig',
    adminKubeconfig,
  ]);
  const token = out.trim();
  if (!token) throw new Error(`kubectl create token ${account.namespace}/${account.name} printed no token`);
  return token;
}

/**
 * Writes a kubeconfig (JSON, which is YAML) to `file` with one cluster, one user holding
 * `token`, and one current context. The CA is embedded, so the file stands alone; it is written
 * owner-only because it holds a credential. Throws what writeFileSync throws.
 */
export function writeTokenKubeconfig(
  file: string,
  opts: { readonly server: string; readonly caPem: string | Buffer; readonly token: string },
): void {
  const caData = Buffer.from(opts.caPem).toString('base64');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'target', cluster: { server: opts.server, 'certificate-authority-data': caData } }],
    users: [{ name: 'token', user: { token: opts.token } }],
    contexts: [{ name: 'target', context: { cluster: 'target', user: 'token' } }],
    'current-context': 'target',
  };
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

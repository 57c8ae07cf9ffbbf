/**
 * What a kubeconfig may ask of the program that uses it. A kubeconfig handed over as data (a
 * member's kubeconfig file given to `kubectl create cluster`, or one stored in a credential
 * Secret for the controller) must not make us run a command (`exec`), call an identity
 * provider (`auth-provider`), or, inside the controller, read local files.
 */
import { KubeconfigError, type KubeconfigSelection, type KubeconfigUser } from './kubeconfig.ts';

/** A kubeconfig's content refused by a policy. */
export class KubeconfigRefusedError extends KubeconfigError {
  override name = 'KubeconfigRefusedError';
}

/** What a kubeconfig may use. */
export interface KubeconfigPolicy {
  /** Run a credential plugin command (`users[].user.exec`). */
  readonly allowExec: boolean;
  /** Use an auth provider (`users[].user.auth-provider`: gcp, oidc, azure). */
  readonly allowAuthProvider: boolean;
  /** Read files named by path (certificate-authority, client-certificate, client-key, tokenFile). */
  readonly allowFiles: boolean;
  /** Skip verifying the server's certificate (`insecure-skip-tls-verify`). */
  readonly allowInsecure: boolean;
}

/** For kubeconfigs stored in credential Secrets and read by the controller: inline data only. */
export const STORED_KUBECONFIG_POLICY: KubeconfigPolicy = {
  allowExec: false,
  allowAuthProvider: false,
  allowFiles: false,
  allowInsecure: false,
};

/** How a kubeconfig user authenticates. */
export type CredentialKind =
  'exec' | 'auth-provider' | 'token' | 'token-file' | 'client-certificate' | 'basic' | 'anonymous';

/** The kind of credential a user carries, the riskiest first when it carries several. Pure. */
export function credentialKind(user: KubeconfigUser): CredentialKind {
  if (user.exec) return 'exec';
  if (user.authProvider) return 'auth-provider';
  if (user.token) return 'token';
  if (user.tokenFile) return 'token-file';
  if (user.clientCertificate || user.clientCertificateData) return 'client-certificate';
  if (user.username) return 'basic';
  return 'anonymous';
}

/**
 * Checks a resolved context against a policy. Throws KubeconfigRefusedError, naming the
 * context and what it asks for, at the first thing the policy forbids. Pure.
 */
export function checkKubeconfigSelection(selection: KubeconfigSelection, policy: KubeconfigPolicy): void {
  const { context, cluster, user } = selection;
  const refuse = (what: string): never => {
    throw new KubeconfigRefusedError(`context "${context.name}": ${what}`);
  };
  if (user.exec && !policy.allowExec) {
    const command = typeof user.exec.command === 'string' ? ` (${user.exec.command})` : '';
    refuse(`user "${user.name}" needs an exec credential plugin${command}, which is not allowed here`);
  }
  if (user.authProvider && !policy.allowAuthProvider) {
    const name = typeof user.authProvider.name === 'string' ? ` (${user.authProvider.name})` : '';
    refuse(`user "${user.name}" needs an auth provider${name}, which is not allowed here`);
  }
  if (cluster.insecureSkipTlsVerify && !policy.allowInsecure) {
    refuse(
      `cluster "${cluster.name}" skips TLS verification (insecure-skip-tls-verify), which is not allowed here`,
    );
  }
  if (!policy.allowFiles) {
    const files: [string, string | undefined][] = [
      [`cluster "${cluster.name}" certificate-authority`, cluster.certificateAuthority],
      [`user "${user.name}" client-certificate`, user.clientCertificate],
      [`user "${user.name}" client-key`, user.clientKey],
      [`user "${user.name}" tokenFile`, user.tokenFile],
    ];
    for (const [what, file] of files)
      if (file) refuse(`${what} names a file (${file}); only inline data is allowed here`);
  }
}

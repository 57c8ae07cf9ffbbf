/**
 * Why the controller could not build a connection to a member cluster from its Cluster object.
 * The reason is what the Cluster's `OK` condition carries; the message is for people and never
 * holds secret material (tokens, keys, kubeconfig text).
 */

/**
 * The reasons, fixed so that alerts and `kubectl get clusters` can rely on them:
 * - `NoEndpoint`: no `serverEndpoints` entry with a `serverAddress` (and no kubeconfig server).
 * - `BadEndpoint`: the chosen `serverAddress` is not `host[:port]` or an https URL.
 * - `NoCredentials`: `spec.authInfo.controller` names no Secret.
 * - `SecretOutsideNamespace`: the reference names a namespace other than the Cluster's own.
 * - `SecretMissing`: the Secret does not exist.
 * - `SecretUnreadable`: the registry did not answer when the Secret was read.
 * - `SecretRefused`: the Secret asks for something we do not do (an exec plugin, an
 *   auth-provider, file paths, a reference of another kind, ambiguous content).
 * - `BadCredentials`: the Secret's credentials are malformed or empty.
 * - `BadCA`: `caBundle` or `ca.crt` is not PEM X.509.
 * - `CredentialsUnavailable`: Google identity was asked for and the controller has no token.
 */
export type ClusterConnectionReason =
  | 'NoEndpoint'
  | 'BadEndpoint'
  | 'NoCredentials'
  | 'SecretOutsideNamespace'
  | 'SecretMissing'
  | 'SecretUnreadable'
  | 'SecretRefused'
  | 'BadCredentials'
  | 'BadCA'
  | 'CredentialsUnavailable';

/** A Cluster the controller cannot connect to, with the reason for its `OK` condition. */
export class ClusterConnectionError extends Error {
  override name = 'ClusterConnectionError';
  readonly reason: ClusterConnectionReason;

  constructor(reason: ClusterConnectionReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

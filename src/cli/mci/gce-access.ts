/**
 * GCE for the commands that read it (`plan`, `status --live`): a client over our names, and the
 * one-line explanation of a failed read that says which access is missing.
 */
import { createGceClient, describeCredentials, GceError, type GceClient } from '../../gce/index.ts';
import { NAME_PREFIX } from '../../naming/gce-names.ts';
import type { GceAccess } from './options.ts';

/** A command waits for a person: fewer retries than the controller's, so a dead endpoint fails fast. */
const CLI_RETRY = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 4000 } as const;

/**
 * The GCE client for `access`: it lists only names with our prefix, as the controller's does, so
 * a plan observes exactly what the controller observes. Sends nothing until called. Throws
 * RangeError on an invalid endpoint (the options module has already checked it).
 */
export function makeGceClient(access: GceAccess): GceClient {
  return createGceClient({
    project: access.project,
    credentials: access.credentials,
    ...(access.endpoint !== undefined ? { endpoint: access.endpoint } : {}),
    namePrefix: `${NAME_PREFIX}-`,
    retry: CLI_RETRY,
    requestTimeoutMs: 30_000,
  });
}

/** The IAM permission a Compute method needs (the method id, but for getHealth). */
export function permissionFor(method: string): string {
  return method === 'compute.backendServices.getHealth' ? 'compute.backendServices.get' : method;
}

/**
 * Why a GCE read failed, in one line fit for "error: ": for a 403 the permission the credentials
 * lack, for a 401 which credentials were refused and what to give instead. Never throws.
 */
export function explainGceError(err: unknown, access: GceAccess): string {
  if (!(err instanceof GceError)) return err instanceof Error ? err.message : String(err);
  const where = `in project ${access.project}`;
  switch (err.kind) {
    case 'permissionDenied':
      return (
        `GCE refused ${err.method} ${where} (${err.message}): the credentials (${describeCredentials(access.credentials)}) ` +
        `need the ${permissionFor(err.method)} permission, e.g. through roles/compute.viewer`
      );
    case 'unauthenticated':
      return (
        `GCE did not accept the credentials (${describeCredentials(access.credentials)}): ${err.message}; ` +
        'give --access-token-file FILE or set up Application Default Credentials'
      );
    case 'notFound':
      return `GCE: ${err.message} (is ${access.project} the controller's project?)`;
    default:
      return `GCE: ${err.message}`;
  }
}

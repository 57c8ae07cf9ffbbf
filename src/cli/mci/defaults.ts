/** Defaults shared by the commands of `kubectl mci`, the same as the controller's. */

/** Where Clusters live unless told otherwise: the controller's default inventory namespace. */
export const DEFAULT_CLUSTER_NAMESPACE = 'kube-multicluster-public';

/** The controller's default `--max-rate-per-endpoint`, which `plan` must translate with. */
export const DEFAULT_MAX_RATE_PER_ENDPOINT = 100;

/** How long `drain --wait` and `undrain --wait` wait by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;

/** How long `plan` may spend reading members by default. */
export const DEFAULT_PLAN_TIMEOUT_MS = 60_000;

/** How many of an Ingress's Events `status` shows. */
export const STATUS_EVENT_COUNT = 10;

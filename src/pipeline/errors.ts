/**
 * A reconcile broke its contract: it threw something that is not an Error, or completed without
 * reporting an Outcome. The work queue treats it as a retryable failure of the key; `cause` holds
 * the thrown value, if any.
 */
export class ReconcileError extends Error {
  /** The key whose reconcile failed. */
  readonly key: string;

  constructor(key: string, message: string, options?: ErrorOptions) {
    super(`reconcile of ${key}: ${message}`, options);
    this.name = 'ReconcileError';
    this.key = key;
  }
}

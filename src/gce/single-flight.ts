/**
 * Shares one in-flight promise per key: a second caller with the same key while the first is
 * running gets the first caller's promise (and its result or rejection) instead of a new call.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** Runs `fn` unless a call for `key` is running; the key is free again once it settles. */
  run<R extends T>(key: string, fn: () => Promise<R>): Promise<R> {
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<R>;
    const p = fn().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }
}

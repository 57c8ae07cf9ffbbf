/**
 * The call log: one entry per API call the emulator received, rejected ones included, so tests
 * and benchmarks can assert call budgets. Method ids are the discovery document's.
 */

/** One logged call. */
export interface CallEntry {
  /** Discovery method id (`compute.backendServices.insert`), or `unknown` for an unmatched route. */
  readonly method: string;
  /** HTTP status answered (the one that would have been sent when the response was dropped). */
  readonly status: number;
  /** When the call arrived, ISO 8601 by the emulator's clock. */
  readonly at: string;
  readonly httpMethod: string;
  readonly path: string;
  /** Set when a fault destroyed the connection instead of answering. */
  readonly dropped?: true;
  /** Set for calls that arrived inside a `/batch` request. */
  readonly batched?: true;
}

/** An append-only list of calls. */
export class CallLog {
  #entries: CallEntry[] = [];

  /** Appends one entry. */
  record(entry: CallEntry): void {
    this.#entries.push(entry);
  }

  /** A copy of every entry, oldest first. */
  entries(): CallEntry[] {
    return [...this.#entries];
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries = [];
  }
}

/**
 * How a command tells the user what happened: information on stdout (text mode only), one line
 * per warning and per error on stderr, and in JSON mode one JSON document on stdout at the end.
 * Errors mark the command failed, so the exit code follows what was reported.
 */
import { redact } from '../../log/redact.ts';
import { oneLine } from './errors.ts';

/** Where a report writes. */
export interface ReportSink {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** The running report of one command. */
export class Report {
  readonly json: boolean;
  readonly #sink: ReportSink;
  readonly #data: Record<string, unknown> = {};
  #failed = false;

  constructor(sink: ReportSink, json: boolean) {
    this.#sink = sink;
    this.json = json;
  }

  /** True once an error was reported. */
  get failed(): boolean {
    return this.#failed;
  }

  /** A line for people (text mode only). */
  info(line: string): void {
    if (!this.json) this.#sink.stdout(`${line}\n`);
  }

  /** `warning: <line>` on stderr. */
  warn(line: string): void {
    this.#sink.stderr(`warning: ${oneLine(line)}\n`);
  }

  /** `error: <message>` on stderr, one line (secrets redacted); the command fails. */
  error(err: unknown): void {
    this.#failed = true;
    this.#sink.stderr(`error: ${redact(oneLine(err)) as string}\n`);
  }

  /** Sets a field of the JSON document. */
  set(key: string, value: unknown): void {
    this.#data[key] = value;
  }

  /** Prints the JSON document (JSON mode only) and returns the exit code: 0, or 1 after an error. */
  finish(): number {
    if (this.json) this.#sink.stdout(`${JSON.stringify({ ...this.#data, ok: !this.#failed }, null, 2)}\n`);
    return this.#failed ? 1 : 0;
  }
}

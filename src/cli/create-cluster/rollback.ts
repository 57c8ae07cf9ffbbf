/**
 * Undo steps for the objects a run has created, so that a failed run leaves nothing behind:
 * each creation registers how to remove what it made, and a failure unwinds them newest first.
 */
import { oneLine } from '../shared/errors.ts';

/** A stack of undo steps. */
export class Rollback {
  readonly #steps: { what: string; undo: () => Promise<unknown> }[] = [];

  /** Registers how to remove `what`, which this run has just created. */
  add(what: string, undo: () => Promise<unknown>): void {
    this.#steps.push({ what, undo });
  }

  /** What has been registered and not yet unwound, oldest first. */
  pending(): string[] {
    return this.#steps.map((s) => s.what);
  }

  /**
   * Runs every undo step, newest first, and forgets them. Never throws: returns one line for
   * each step that failed ("<what>: <why>"), so the caller can report what is left behind.
   */
  async unwind(): Promise<string[]> {
    const failures: string[] = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop() as { what: string; undo: () => Promise<unknown> };
      try {
        await step.undo();
      } catch (err) {
        failures.push(`${step.what}: ${oneLine(err)}`);
      }
    }
    return failures;
  }
}

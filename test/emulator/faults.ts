/**
 * Fault injection: rules from the configuration matched against each call's method id. Request
 * faults (`error`, `errorAfterApply`, `drop`) are picked by the HTTP layer, operation faults
 * (`operationFail`, `operationHang`) by the mutation that creates the operation. Draws come from
 * the emulator's seeded generator, so a run replays for one seed.
 */
import type { FaultAction, FaultRule } from './config.ts';

const REQUEST_ACTIONS: ReadonlySet<FaultAction> = new Set(['error', 'errorAfterApply', 'drop']);

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** Chooses which fault, if any, hits a call. */
export class FaultInjector {
  readonly #random: () => number;
  #rules: { rule: FaultRule; re: RegExp; fired: number }[] = [];

  constructor(random: () => number) {
    this.#random = random;
  }

  /** Replaces the rules; firing counts start again from zero. */
  setRules(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({ rule, re: globToRegExp(rule.method), fired: 0 }));
  }

  /**
   * The first rule of the given phase that matches `methodId`, has firings left and wins its
   * probability draw; that firing is counted.
   */
  pick(methodId: string, phase: 'request' | 'operation'): FaultRule | undefined {
    for (const entry of this.#rules) {
      const { rule } = entry;
      if (REQUEST_ACTIONS.has(rule.action) !== (phase === 'request')) continue;
      if (!entry.re.test(methodId)) continue;
      if (rule.times !== undefined && entry.fired >= rule.times) continue;
      if (this.#random() >= (rule.probability ?? 1)) continue;
      entry.fired += 1;
      return rule;
    }
    return undefined;
  }
}

import type { ClusterProblem, ClusterProblemCode } from '../model/translate.ts';

/** Collects cluster problems once each, in the order first reported. */
export class ProblemCollector {
  readonly #problems = new Map<string, ClusterProblem>();

  /** Records a problem of `cluster`; the same problem reported twice is kept once. */
  report(cluster: string, code: ClusterProblemCode, message: string): void {
    const key = `${cluster}\n${code}\n${message}`;
    if (!this.#problems.has(key)) this.#problems.set(key, { cluster, code, message });
  }

  /** The problems, sorted by cluster, keeping report order within a cluster. */
  list(): ClusterProblem[] {
    return [...this.#problems.values()]
      .map((problem, index) => ({ problem, index }))
      .sort((a, b) =>
        a.problem.cluster < b.problem.cluster
          ? -1
          : a.problem.cluster > b.problem.cluster
            ? 1
            : a.index - b.index,
      )
      .map(({ problem }) => problem);
  }
}

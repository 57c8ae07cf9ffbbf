// Mocha root hooks for the e2e tier: one registry and two member clusters, started once for
// the whole run and shared by every non-destructive suite (each isolates itself with its own
// namespaces and names). Destructive suites start their own TestEnv.
import { startTestEnv, type TestEnv } from '../harness/testenv.ts';

let env: TestEnv | undefined;

/** The shared registry + two members; only valid inside tests of the e2e tier. */
export function sharedEnv(): TestEnv {
  if (!env) throw new Error('sharedEnv() called outside the e2e tier (its root hook starts the clusters)');
  return env;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    env = await startTestEnv({ members: 2 });
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await env?.stop();
  },
};

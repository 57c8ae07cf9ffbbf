/**
 * Assembles the engine: a Core with every resource family registered and the `default` network
 * seeded. Transport-free, so tests can drive it without HTTP if they wish.
 */
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import type { EmulatorConfig } from './config.ts';
import { defaultConfig, mergeConfig } from './config.ts';
import { Core } from './core.ts';
import { ALL_HANDLERS, ALL_KINDS } from './resources/index.ts';
import { seedDefaultNetwork } from './resources/networks.ts';

/**
 * Creates an engine from a partial configuration (see `mergeConfig`; throws ConfigError when it
 * is invalid) and a clock (the wall clock by default).
 */
export function createCore(config: unknown = {}, clock: Clock = systemClock): Core {
  const full: EmulatorConfig = mergeConfig(defaultConfig(), config);
  const core = new Core(full, clock);
  for (const kind of ALL_KINDS) core.registerKind(kind);
  core.registerHandlers(ALL_HANDLERS);
  core.registerSeeder(seedDefaultNetwork);
  return core;
}

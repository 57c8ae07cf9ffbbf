// kubemci-controller: runs the controller until SIGTERM or SIGINT, then finishes in-flight
// reconciles and exits. Exit codes: 0 after a clean stop, 1 on a failure, 2 on bad flags.
import { startController } from '../../controller/controller.ts';
import { createLogger } from '../../log/logger.ts';
import { CONTROLLER_USAGE, OptionsError, parseControllerOptions } from '../../options/controller-options.ts';

async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseControllerOptions(argv);
  } catch (err) {
    if (err instanceof OptionsError) {
      if (err.message === 'help') {
        process.stdout.write(CONTROLLER_USAGE);
        return 0;
      }
      process.stderr.write(`kubemci-controller: ${err.message}\n${CONTROLLER_USAGE}`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: opts.logLevel });
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason }));
  const controller = await startController(opts, log);
  log.info('running', { metricsPort: controller.metricsPort, instanceId: controller.instanceId });
  let signals = 0;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      signals++;
      if (signals > 1) process.exit(1);
      log.info('signal received', { signal: sig });
      void controller.stop();
    });
  }
  await controller.done;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`kubemci-controller: ${(err as Error).message}\n`);
    process.exit(1);
  },
);

/**
 * kubemci, from the argument list to an exit code: 0 when the command succeeded (or help was
 * asked for), 2 after a usage error, 1 after any other failure, each failure one `error:` line on
 * stderr. Everything the commands touch comes in through KubemciIo.
 */
import { runCreate } from './commands/create.ts';
import { runDelete } from './commands/delete.ts';
import { runRemoveClusters } from './commands/remove-clusters.ts';
import { runGetStatus, runList } from './commands/status.ts';
import { KubemciUsageError, oneLine } from './errors.ts';
import type { KubemciIo } from './io.ts';
import { parseKubemciArgs } from './options.ts';
import { redactText } from '../../log/redact.ts';

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs kubemci with `argv` (the arguments after the program name). Never throws. */
export async function runKubemci(argv: readonly string[], io: KubemciIo): Promise<number> {
  try {
    const command = parseKubemciArgs(argv, io.env);
    if (command.kind === 'help') {
      io.stdout(command.text);
      return EXIT_OK;
    }
    const options = command.options;
    switch (options.command) {
      case 'version':
        io.stdout(`Client version: ${io.version}\n`);
        return EXIT_OK;
      case 'create':
        return await runCreate(options, io);
      case 'delete':
        return await runDelete(options, io);
      case 'remove-clusters':
        return await runRemoveClusters(options, io);
      case 'get-status':
        return await runGetStatus(options, io);
      case 'list':
        return await runList(options, io);
    }
  } catch (err) {
    io.stderr(`error: ${redactText(oneLine(err))}\n`);
    if (err instanceof KubemciUsageError) {
      io.stderr('Run "kubemci --help" for usage.\n');
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }
}

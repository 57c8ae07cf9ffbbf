/**
 * `kubectl mci`, from the argument list to an exit code: parse the command line, find the
 * registry as kubectl would, run the command. Everything it touches outside itself comes in
 * through MciIo.
 */
import { KubeconfigError } from '../../kube/kubeconfig.ts';
import { toClientKubeConfig } from '../../kube/kubeconfig-client.ts';
import { loadKubeconfigSelection } from '../../kube/kubeconfig-files.ts';
import { runDrain } from './drain.ts';
import { MciError, oneLine, UsageError } from './errors.ts';
import type { MciIo, Output } from './io.ts';
import { runList } from './list.ts';
import { parseMciArgs, type RegistryAccess } from './options.ts';
import { runPlan } from './plan.ts';
import type { Registry } from './registry.ts';
import { runStatus } from './status.ts';
import { colourWanted, makeStyle } from './terminal.ts';

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The registry and the namespace commands default to: the context's, else `default`. */
function openRegistry(access: RegistryAccess, io: MciIo): { registry: Registry; namespace: string } {
  try {
    const selection = loadKubeconfigSelection(access.source, access.context, io.readText);
    const kubeConfig = toClientKubeConfig(selection, io.readText);
    return { registry: io.connectRegistry(kubeConfig), namespace: selection.context.namespace || 'default' };
  } catch (err) {
    if (err instanceof KubeconfigError)
      throw new MciError(`registry kubeconfig: ${oneLine(err)}`, { cause: err });
    throw err;
  }
}

/**
 * Runs one command and returns its exit code: 0 when all is well (or help was asked for), 1
 * when it failed or found a problem (after printing "error: <one line>" to stderr when it
 * failed), 2 after printing "error: <one line>" for a usage error. Never throws.
 */
export async function runMci(argv: readonly string[], io: MciIo): Promise<number> {
  try {
    const cmd = parseMciArgs(argv, io.env);
    if (cmd.kind === 'help') {
      io.stdout(cmd.text);
      return EXIT.ok;
    }
    const out: Output = {
      stdout: io.stdout,
      stderr: io.stderr,
      style: makeStyle(colourWanted(io.stdoutIsTty, io.env)),
      now: io.now,
    };
    const { registry, namespace } = openRegistry(cmd.registry, io);
    switch (cmd.kind) {
      case 'list':
        return await runList(cmd, registry, cmd.namespace ?? namespace, out);
      case 'status':
        return await runStatus(cmd, registry, cmd.namespace ?? namespace, out, io.makeGce);
      case 'plan':
        return await runPlan(cmd, registry, cmd.namespace ?? namespace, out, {
          makeGce: io.makeGce,
          readMembers: io.readMembers,
        });
      case 'drain':
      case 'undrain':
        return await runDrain(cmd, registry, out, io.sleep);
    }
  } catch (err) {
    io.stderr(`error: ${oneLine(err)}\n`);
    return err instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

/** Everything a command touches outside itself, given to it so that tests can replace it. */
import type { KubeConfig } from '@kubernetes/client-node';
import type { GceClient } from '../../gce/index.ts';
import type { ReadTextFile } from '../../kube/kubeconfig-files.ts';
import type { MemberReader } from './member-snapshot.ts';
import type { GceAccess, MciEnv } from './options.ts';
import type { Registry } from './registry.ts';
import type { Style } from './terminal.ts';

/** The process's side of the commands. */
export interface MciIo {
  readonly env: MciEnv & { readonly NO_COLOR?: string; readonly TERM?: string };
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour only then). */
  readonly stdoutIsTty: boolean;
  readonly readText: ReadTextFile;
  readonly now: () => number;
  /** Waits `ms` (drain --wait polls with it). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly connectRegistry: (kubeConfig: KubeConfig) => Registry;
  readonly makeGce: (access: GceAccess) => GceClient;
  /** Reads what members say for a plan. */
  readonly readMembers: MemberReader;
}

/** Where a command writes, and how. */
export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly style: Style;
  readonly now: () => number;
}

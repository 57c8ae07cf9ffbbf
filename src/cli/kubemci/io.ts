/** Everything a kubemci command touches outside itself, given by the entry point (or a test). */
import type { GceClient, GceClientOptions } from '../../gce/index.ts';
import type { InstanceReader } from './instance-reader.ts';
import type { GceCredentials } from '../../gce/credentials.ts';
import type { KubemciEnv } from './options.ts';

/** The effects of a command. */
export interface KubemciIo {
  readonly env: KubemciEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a file as UTF-8 (the Ingress, kubeconfigs); throws as readFileSync does. */
  readonly readText: (file: string) => string;
  /** The client version `version` prints. */
  readonly version: string;
  /** gcloud's configured project, as kubemci asked for it; undefined when there is none. */
  readonly gcloudProject: () => Promise<string | undefined>;
  readonly makeGce: (options: GceClientOptions) => GceClient;
  readonly makeInstanceReader: (options: {
    readonly endpoint?: string;
    readonly credentials: GceCredentials;
  }) => InstanceReader;
  readonly now: () => number;
}

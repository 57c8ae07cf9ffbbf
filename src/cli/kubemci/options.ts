/**
 * The command line of kubemci, parsed and validated once into typed options. kubemci's flag names
 * and forms are kept (`--gcp-project`, `--kubecontexts a,b`, `-i`, `-k`, `-n`, `-f`,
 * `--validate=false`); the GCE flags are the project's (`--project`, `--gce-endpoint`,
 * `--access-token[-file]`). Reads the environment only through the values it is given. Pure.
 */
import type { GceCredentials } from '../../gce/credentials.ts';
import type { KubeconfigSource } from '../../kube/kubeconfig-files.ts';
import type { BackendMode } from '../../model/translate.ts';
import { isValidGceName } from '../../naming/gce-names.ts';
import {
  durationFlag,
  kubeconfigSource,
  nonEmpty,
  outputFlag,
  type KubeconfigEnv,
} from '../shared/flag-values.ts';
import { parseFlags, type FlagSpec, type ParsedFlags } from '../shared/flags.ts';
import { isDns1035Label, isDns1123Label } from '../shared/names.ts';
import { KubemciUsageError } from './errors.ts';
import { COMMAND_FLAGS, COMMANDS, ROOT_FLAGS, type CommandName } from './flags.ts';
import { commandUsage, ROOT_USAGE } from './usage.ts';

/** The instance ID of the CLI's resources unless `--instance-id` says otherwise. */
export const DEFAULT_INSTANCE_ID = 'kubemci-cli';

/** How long to wait for NEGs or instance groups unless `--wait-timeout` says otherwise. */
export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;

/** Where GCE is and how to authenticate. */
export interface GceSettings {
  /** Undefined when no flag gave it: the command then asks gcloud, as kubemci did. */
  readonly project?: string;
  readonly endpoint?: string;
  readonly credentials: GceCredentials;
}

/** How member clusters are reached. */
export interface MemberSettings {
  readonly kubeconfig: KubeconfigSource;
  /** The named contexts, in order, without duplicates; empty means "default" (see each command). */
  readonly contexts: readonly string[];
  readonly waitTimeoutMs: number;
  /** `--node-tags`: a cluster's node tags, overriding discovery. */
  readonly nodeTags: Readonly<Record<string, readonly string[]>>;
}

/** What every command that talks to GCE shares. */
export interface BaseOptions {
  readonly gce: GceSettings;
  readonly instanceId: string;
  readonly output: 'text' | 'json';
  readonly namespace?: string;
}

/** `kubemci create`. */
export interface CreateOptions extends BaseOptions {
  readonly command: 'create';
  readonly lbName?: string;
  readonly ingressFile: string;
  readonly staticIp?: string;
  readonly force: boolean;
  readonly validate: boolean;
  readonly backendMode?: BackendMode;
  readonly dryRun: boolean;
  readonly members: MemberSettings;
}

/** `kubemci delete`. */
export interface DeleteOptions extends BaseOptions {
  readonly command: 'delete';
  readonly lbName?: string;
  readonly ingressFile?: string;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly members: MemberSettings;
}

/** `kubemci remove-clusters`: `members.contexts` are the clusters to remove. */
export interface RemoveClustersOptions extends BaseOptions {
  readonly command: 'remove-clusters';
  readonly lbName?: string;
  readonly ingressFile: string;
  readonly force: boolean;
  readonly validate: boolean;
  readonly backendMode?: BackendMode;
  readonly dryRun: boolean;
  readonly members: MemberSettings;
}

/** `kubemci get-status`. */
export interface GetStatusOptions extends BaseOptions {
  readonly command: 'get-status';
  readonly lbName: string;
}

/** `kubemci list`. */
export interface ListOptions extends BaseOptions {
  readonly command: 'list';
}

/** `kubemci version`. */
export interface VersionOptions {
  readonly command: 'version';
}

/** The options of any command. */
export type KubemciOptions =
  CreateOptions | DeleteOptions | RemoveClustersOptions | GetStatusOptions | ListOptions | VersionOptions;

/** What the command line asks for: a help text, or a command to run. */
export type KubemciCommand =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'run'; readonly options: KubemciOptions };

/** The environment variables the CLI reads. */
export type KubemciEnv = KubeconfigEnv;

/**
 * Parses `argv` (the arguments after `kubemci`). Throws KubemciUsageError, with a one-line
 * message, for an unknown command or flag, a missing value or argument, an invalid name,
 * duration or mode, and flags that do not go together.
 */
export function parseKubemciArgs(argv: readonly string[], env: KubemciEnv): KubemciCommand {
  const commandIndex = findCommandWord(argv);
  const word = commandIndex < 0 ? undefined : argv[commandIndex];
  if (word === undefined || word === 'help') {
    // As cobra does: no command, or `help [COMMAND]`, prints the help text.
    const topic =
      word === undefined ? undefined : argv.slice(commandIndex + 1).find((a) => !a.startsWith('-'));
    if (topic !== undefined && !isCommand(topic)) {
      throw new KubemciUsageError(`unknown help topic "${topic}": want one of ${COMMANDS.join(', ')}`);
    }
    parse(word === undefined ? argv : argv.slice(0, commandIndex), ROOT_FLAGS);
    return { kind: 'help', text: topic === undefined ? ROOT_USAGE : commandUsage(topic) };
  }
  if (!isCommand(word)) {
    throw new KubemciUsageError(`unknown command "${word}": want one of ${COMMANDS.join(', ')}`);
  }
  const flags = parse([...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)], COMMAND_FLAGS[word]);
  if (flags.booleans.get('help')) return { kind: 'help', text: commandUsage(word) };
  return { kind: 'run', options: toOptions(word, flags, env) };
}

/**
 * The index of the command word: the first argument that is neither a root flag nor the value of
 * one (`kubemci --v 2 create` names `create`). -1 when there is none.
 */
function findCommandWord(argv: readonly string[]): number {
  const takesValue = new Set(
    ROOT_FLAGS.filter((f) => f.kind === 'string').flatMap((f) => [
      `--${f.name}`,
      ...(f.short ? [`-${f.short}`] : []),
    ]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) return i;
    if (takesValue.has(arg)) i++;
  }
  return -1;
}

function isCommand(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

/** kubemci's parse: its usage errors exit 2 with its own hint. */
function parse(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  return parseFlags(argv, specs, (message, options) => new KubemciUsageError(message, options));
}

function toOptions(command: CommandName, flags: ParsedFlags, env: KubemciEnv): KubemciOptions {
  const positionals = flags.positionals;
  if (command === 'version' || command === 'list') {
    if (positionals.length > 0) {
      throw new KubemciUsageError(`${command} takes no arguments, got: ${positionals.join(' ')}`);
    }
    if (command === 'version') return { command };
    return { command, ...baseOptions(flags) };
  }
  if (positionals.length > 1) {
    throw new KubemciUsageError(`${command} takes one LBNAME, got: ${positionals.join(' ')}`);
  }
  const lbName = positionals[0] === undefined ? undefined : checkLbName(positionals[0]);
  const base = baseOptions(flags);
  if (command === 'get-status') {
    if (lbName === undefined)
      throw new KubemciUsageError('get-status needs LBNAME: kubemci get-status LBNAME');
    return { command, lbName, ...base };
  }
  const ingressFile = nonEmpty(flags, 'ingress');
  const members = memberSettings(flags, env);
  const force = flags.booleans.get('force') ?? false;
  const dryRun = parseDryRun(flags.strings.get('dry-run'));
  const withName = lbName === undefined ? {} : { lbName };
  if (command === 'delete') {
    if (lbName === undefined && ingressFile === undefined) {
      throw new KubemciUsageError('delete needs LBNAME or --ingress FILE');
    }
    return {
      command,
      ...withName,
      ...(ingressFile === undefined ? {} : { ingressFile }),
      ...base,
      force,
      dryRun,
      members,
    };
  }
  if (ingressFile === undefined) throw new KubemciUsageError(`${command} needs --ingress FILE`);
  const validate = flags.booleans.get('validate') ?? true;
  const backendMode = parseBackendMode(flags.strings.get('backend-mode'));
  const translateFlags = { ...(backendMode === undefined ? {} : { backendMode }), validate };
  if (command === 'remove-clusters') {
    if (members.contexts.length === 0) {
      throw new KubemciUsageError('remove-clusters needs --kubecontexts: the clusters to remove');
    }
    return { command, ...withName, ingressFile, ...base, force, dryRun, members, ...translateFlags };
  }
  const staticIp = nonEmpty(flags, 'static-ip');
  if (staticIp !== undefined && !isValidGceName(staticIp)) {
    throw new KubemciUsageError(`--static-ip "${staticIp}" is not a valid GCE address name`);
  }
  return {
    command,
    ...withName,
    ingressFile,
    ...(staticIp === undefined ? {} : { staticIp }),
    ...base,
    force,
    dryRun,
    members,
    ...translateFlags,
  };
}

function baseOptions(flags: ParsedFlags): BaseOptions {
  const gcpProject = nonEmpty(flags, 'gcp-project');
  const projectFlag = nonEmpty(flags, 'project');
  if (gcpProject !== undefined && projectFlag !== undefined && gcpProject !== projectFlag) {
    throw new KubemciUsageError(`--project "${projectFlag}" and --gcp-project "${gcpProject}" disagree`);
  }
  const project = projectFlag ?? gcpProject;
  if (project !== undefined && !/^[a-z][-a-z0-9.:]{4,61}[a-z0-9]$/.test(project)) {
    throw new KubemciUsageError(`"${project}" is not a GCP project ID`);
  }
  const endpoint = nonEmpty(flags, 'gce-endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new KubemciUsageError(`--gce-endpoint "${endpoint}" is not an http(s) URL`);
  }
  const token = nonEmpty(flags, 'access-token');
  const tokenFile = nonEmpty(flags, 'access-token-file');
  if (token !== undefined && tokenFile !== undefined) {
    throw new KubemciUsageError('--access-token and --access-token-file cannot be used together');
  }
  const credentials: GceCredentials =
    tokenFile !== undefined
      ? { source: 'access-token-file', path: tokenFile }
      : token !== undefined
        ? { source: 'access-token', token }
        : { source: 'adc' };
  const output = outputFlag(flags, ['text', 'json'], 'text or json') ?? 'text';
  const instanceId = nonEmpty(flags, 'instance-id') ?? DEFAULT_INSTANCE_ID;
  if (/[/\s"]/.test(instanceId)) {
    throw new KubemciUsageError(`--instance-id "${instanceId}" must not contain "/", quotes or spaces`);
  }
  const namespace = nonEmpty(flags, 'namespace');
  if (namespace !== undefined && !isDns1123Label(namespace)) {
    throw new KubemciUsageError(`--namespace "${namespace}" is not a valid namespace name`);
  }
  return {
    gce: {
      ...(project === undefined ? {} : { project }),
      ...(endpoint === undefined ? {} : { endpoint }),
      credentials,
    },
    instanceId,
    output,
    ...(namespace === undefined ? {} : { namespace }),
  };
}

function memberSettings(flags: ParsedFlags, env: KubemciEnv): MemberSettings {
  const contexts = [
    ...new Set(
      (flags.lists.get('kubecontexts') ?? [])
        .flatMap((value) => value.split(','))
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
  ];
  const kubeconfig = kubeconfigSource(flags, env);
  const waitTimeoutMs = durationFlag(flags, 'wait-timeout', DEFAULT_WAIT_TIMEOUT_MS);
  return {
    kubeconfig,
    contexts,
    waitTimeoutMs,
    nodeTags: parseNodeTags(flags.lists.get('node-tags') ?? []),
  };
}

/** `CONTEXT=TAG[,TAG...]`, repeatable; the tags of one context accumulate. */
function parseNodeTags(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const context = eq <= 0 ? '' : value.slice(0, eq).trim();
    const tags =
      eq <= 0
        ? []
        : value
            .slice(eq + 1)
            .split(/[\s,]+/)
            .filter((t) => t !== '');
    if (context === '' || tags.length === 0) {
      throw new KubemciUsageError(`--node-tags "${value}": want CONTEXT=TAG[,TAG...]`);
    }
    for (const tag of tags) {
      if (!isValidGceName(tag))
        throw new KubemciUsageError(`--node-tags: "${tag}" is not a valid network tag`);
    }
    out[context] = [...new Set([...(out[context] ?? []), ...tags])];
  }
  return out;
}

function parseDryRun(value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === 'none') return false;
  if (value === 'true' || value === 'client') return true;
  throw new KubemciUsageError(`invalid --dry-run "${value}": want true or false`);
}

function parseBackendMode(value: string | undefined): BackendMode | undefined {
  if (value === undefined || value === 'neg' || value === 'instance-group') return value;
  throw new KubemciUsageError(`invalid --backend-mode "${value}": want neg or instance-group`);
}

/** Checks a load balancer name: it goes into GCE names and markers, so an RFC 1035 label. */
export function checkLbName(name: string): string {
  if (!isDns1035Label(name)) {
    throw new KubemciUsageError(
      `load balancer name "${name}" must be 1-63 lowercase letters, digits and "-", starting with a letter`,
    );
  }
  return name;
}

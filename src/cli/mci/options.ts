/**
 * The command line of `kubectl mci`, parsed and validated once into an MciCommand. The only
 * place that reads the environment (`KUBECONFIG`, `HOME`), which it is given rather than
 * reaching for. Pure.
 */
import type { GceCredentials } from '../../gce/credentials.ts';
import type { KubeconfigSource } from '../../kube/kubeconfig-files.ts';
import {
  durationFlag,
  kubeconfigSource,
  nonEmpty,
  onePositional,
  outputFlag,
  type KubeconfigEnv,
} from '../shared/flag-values.ts';
import {
  GCE_FLAGS,
  HELP_FLAG,
  NAMESPACE_FLAG,
  OUTPUT_FLAG,
  REGISTRY_FLAGS,
  parseFlags,
  type FlagSpec,
  type ParsedFlags,
} from '../shared/flags.ts';
import { checkClusterName, checkNamespace, isDns1123Label, isDns1123Subdomain } from '../shared/names.ts';
import {
  DEFAULT_CLUSTER_NAMESPACE,
  DEFAULT_MAX_RATE_PER_ENDPOINT,
  DEFAULT_PLAN_TIMEOUT_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
} from './defaults.ts';
import { UsageError } from './errors.ts';
import { COMMAND_USAGE, MCI_USAGE } from './usage.ts';

/** The environment variables the commands read. */
export type MciEnv = KubeconfigEnv;

/** How to print: kubectl's table (`wide` adds columns), or the data as JSON or YAML. */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';

/** Where the registry cluster is, as kubectl would find it. */
export interface RegistryAccess {
  readonly source: KubeconfigSource;
  readonly context?: string;
}

/** Where GCE is and who we are there. */
export interface GceAccess {
  readonly project: string;
  readonly endpoint?: string;
  readonly credentials: GceCredentials;
}

/** `kubectl mci list`. */
export interface ListCommand {
  readonly kind: 'list';
  readonly registry: RegistryAccess;
  /** Undefined: the context's namespace, else `default`. Ignored with allNamespaces. */
  readonly namespace?: string;
  readonly allNamespaces: boolean;
  readonly output: OutputFormat;
}

/** `kubectl mci status NAME`. */
export interface StatusCommand {
  readonly kind: 'status';
  readonly registry: RegistryAccess;
  readonly namespace?: string;
  readonly name: string;
  readonly output: OutputFormat;
  /** With `--live`: where to ask for health. */
  readonly live?: GceAccess;
}

/** `kubectl mci plan NAME`. */
export interface PlanCommand {
  readonly kind: 'plan';
  readonly registry: RegistryAccess;
  readonly namespace?: string;
  readonly name: string;
  readonly output: OutputFormat;
  readonly gce: GceAccess;
  readonly instanceId?: string;
  readonly inventoryNamespaces: readonly string[];
  readonly maxRatePerEndpoint: number;
  readonly controllerAddress?: string;
  readonly timeoutMs: number;
  readonly all: boolean;
  readonly exitCode: boolean;
}

/** `kubectl mci drain CLUSTER` and `kubectl mci undrain CLUSTER`. */
export interface DrainCommand {
  readonly kind: 'drain' | 'undrain';
  readonly registry: RegistryAccess;
  readonly cluster: string;
  readonly namespace: string;
  /** Where the Clusters that may serve instead are; default the Cluster's own namespace. */
  readonly inventoryNamespaces: readonly string[];
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly force: boolean;
}

/** What the command line asks for. */
export type MciCommand =
  { readonly kind: 'help'; readonly text: string } | ListCommand | StatusCommand | PlanCommand | DrainCommand;

const COMMON: readonly FlagSpec[] = [HELP_FLAG, ...REGISTRY_FLAGS];
const WAIT_FLAGS: readonly FlagSpec[] = [
  NAMESPACE_FLAG,
  { name: 'inventory-namespaces', kind: 'string' },
  { name: 'wait', kind: 'boolean' },
  { name: 'timeout', kind: 'string' },
];

const FLAGS = {
  list: [...COMMON, NAMESPACE_FLAG, OUTPUT_FLAG, { name: 'all-namespaces', short: 'A', kind: 'boolean' }],
  status: [...COMMON, NAMESPACE_FLAG, OUTPUT_FLAG, ...GCE_FLAGS, { name: 'live', kind: 'boolean' }],
  plan: [
    ...COMMON,
    NAMESPACE_FLAG,
    OUTPUT_FLAG,
    ...GCE_FLAGS,
    { name: 'instance-id', kind: 'string' },
    { name: 'inventory-namespaces', kind: 'string' },
    { name: 'max-rate-per-endpoint', kind: 'string' },
    { name: 'controller-address', kind: 'string' },
    { name: 'timeout', kind: 'string' },
    { name: 'all', kind: 'boolean' },
    { name: 'exit-code', kind: 'boolean' },
  ],
  drain: [...COMMON, ...WAIT_FLAGS, { name: 'force', kind: 'boolean' }],
  undrain: [...COMMON, ...WAIT_FLAGS],
} satisfies Record<keyof typeof COMMAND_USAGE, readonly FlagSpec[]>;

type CommandName = keyof typeof FLAGS;

const isCommand = (word: string): word is CommandName => Object.hasOwn(FLAGS, word);

/**
 * Parses the arguments that follow `kubectl mci`. Throws UsageError, with a one-line message,
 * for an unknown command or flag, a missing or extra argument, an invalid name, format,
 * duration, project or URL, and flags that do not go together.
 */
export function parseMciArgs(argv: readonly string[], env: MciEnv): MciCommand {
  const [word, ...rest] = argv;
  if (word === undefined || word.startsWith('-')) {
    const flags = parseFlags(argv, COMMON);
    if (flags.booleans.get('help')) return { kind: 'help', text: MCI_USAGE };
    throw new UsageError('a command is required: list, status, plan, drain or undrain (kubectl mci -h)');
  }
  if (word === 'help') return { kind: 'help', text: MCI_USAGE };
  if (!isCommand(word)) {
    throw new UsageError(`unknown command "${word}": want list, status, plan, drain or undrain`);
  }
  const flags = parseFlags(rest, FLAGS[word]);
  if (flags.booleans.get('help')) return { kind: 'help', text: COMMAND_USAGE[word] };
  const registry = registryAccess(flags, env);
  switch (word) {
    case 'list': {
      noPositionals(flags, 'kubectl mci list');
      const allNamespaces = flags.booleans.get('all-namespaces') ?? false;
      const namespace = optionalNamespace(flags);
      if (allNamespaces && namespace !== undefined) {
        throw new UsageError('--all-namespaces and --namespace cannot be used together');
      }
      return {
        kind: 'list',
        registry,
        ...(namespace !== undefined ? { namespace } : {}),
        allNamespaces,
        output: outputFormat(flags, ['wide', 'json', 'yaml']),
      };
    }
    case 'status': {
      const name = onePositional(flags, 'NAME', 'kubectl mci status NAME');
      const namespace = optionalNamespace(flags);
      const live = flags.booleans.get('live') ?? false;
      if (!live && hasGceFlag(flags)) {
        throw new UsageError('--project, --gce-endpoint and --access-token-file go with --live');
      }
      return {
        kind: 'status',
        registry,
        ...(namespace !== undefined ? { namespace } : {}),
        name: checkObjectName(name, 'NAME'),
        output: outputFormat(flags, ['json', 'yaml']),
        ...(live ? { live: gceAccess(flags, '--live') } : {}),
      };
    }
    case 'plan': {
      const name = onePositional(flags, 'NAME', 'kubectl mci plan NAME');
      const namespace = optionalNamespace(flags);
      const instanceId = nonEmpty(flags, 'instance-id');
      const controllerAddress = nonEmpty(flags, 'controller-address');
      return {
        kind: 'plan',
        registry,
        ...(namespace !== undefined ? { namespace } : {}),
        name: checkObjectName(name, 'NAME'),
        output: outputFormat(flags, ['json', 'yaml']),
        gce: gceAccess(flags, 'plan'),
        ...(instanceId !== undefined ? { instanceId } : {}),
        inventoryNamespaces: namespaceList(flags, [DEFAULT_CLUSTER_NAMESPACE]),
        maxRatePerEndpoint: positiveNumber(flags, 'max-rate-per-endpoint', DEFAULT_MAX_RATE_PER_ENDPOINT),
        ...(controllerAddress !== undefined ? { controllerAddress } : {}),
        timeoutMs: duration(flags, 'timeout', DEFAULT_PLAN_TIMEOUT_MS),
        all: flags.booleans.get('all') ?? false,
        exitCode: flags.booleans.get('exit-code') ?? false,
      };
    }
    case 'drain':
    case 'undrain': {
      const cluster = onePositional(flags, 'CLUSTER', `kubectl mci ${word} CLUSTER`);
      const namespace = optionalNamespace(flags) ?? DEFAULT_CLUSTER_NAMESPACE;
      const wait = flags.booleans.get('wait') ?? false;
      if (!wait && flags.strings.has('timeout')) throw new UsageError('--timeout goes with --wait');
      return {
        kind: word,
        registry,
        cluster: checkClusterName(cluster),
        namespace,
        inventoryNamespaces: namespaceList(flags, [namespace]),
        wait,
        timeoutMs: duration(flags, 'timeout', DEFAULT_WAIT_TIMEOUT_MS),
        force: flags.booleans.get('force') ?? false,
      };
    }
  }
}

function registryAccess(flags: ParsedFlags, env: MciEnv): RegistryAccess {
  const source = kubeconfigSource(flags, env);
  const context = nonEmpty(flags, 'context');
  return { source, ...(context !== undefined ? { context } : {}) };
}

function noPositionals(flags: ParsedFlags, usage: string): void {
  if (flags.positionals.length > 0) {
    throw new UsageError(`unexpected arguments: ${flags.positionals.join(' ')} (usage: ${usage})`);
  }
}

function optionalNamespace(flags: ParsedFlags): string | undefined {
  const value = nonEmpty(flags, 'namespace');
  return value === undefined ? undefined : checkNamespace(value);
}

/** An Ingress name: a DNS subdomain, as the API server requires. */
function checkObjectName(name: string, what: string): string {
  if (!isDns1123Subdomain(name)) {
    throw new UsageError(`invalid ${what} "${name}": want a lowercase DNS name`);
  }
  return name;
}

function outputFormat(flags: ParsedFlags, allowed: readonly OutputFormat[]): OutputFormat {
  return outputFlag(flags, allowed, allowed.join(', ')) ?? 'table';
}

function hasGceFlag(flags: ParsedFlags): boolean {
  return GCE_FLAGS.some((f) => flags.strings.has(f.name));
}

function gceAccess(flags: ParsedFlags, needer: string): GceAccess {
  const project = nonEmpty(flags, 'project') ?? nonEmpty(flags, 'gcp-project');
  if (project === undefined) throw new UsageError(`${needer} needs --project`);
  if (!/^([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(project)) {
    throw new UsageError(`--project "${project}" is not a GCE project ID`);
  }
  const endpoint = nonEmpty(flags, 'gce-endpoint');
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`--gce-endpoint "${endpoint}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError('--gce-endpoint must be an http or https URL');
    }
  }
  const tokenFile = nonEmpty(flags, 'access-token-file');
  return {
    project,
    ...(endpoint !== undefined ? { endpoint } : {}),
    credentials:
      tokenFile !== undefined ? { source: 'access-token-file', path: tokenFile } : { source: 'adc' },
  };
}

function namespaceList(flags: ParsedFlags, fallback: readonly string[]): readonly string[] {
  const value = flags.strings.get('inventory-namespaces');
  if (value === undefined) return fallback;
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError('--inventory-namespaces must name at least one namespace');
  for (const ns of list) {
    if (!isDns1123Label(ns)) {
      throw new UsageError(`invalid namespace "${ns}" in --inventory-namespaces`);
    }
  }
  return list;
}

function positiveNumber(flags: ParsedFlags, flag: string, fallback: number): number {
  const value = flags.strings.get(flag);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`--${flag} must be a positive number, got "${value}"`);
  }
  return n;
}

function duration(flags: ParsedFlags, flag: string, fallback: number): number {
  const ms = durationFlag(flags, flag, fallback);
  if (ms <= 0) throw new UsageError(`--${flag} must be positive`);
  return ms;
}

/**
 * The flags of every kubemci command, with kubemci's names and short forms (`-i`, `-k`, `-n`,
 * `-f`), our additions, and the glog flags kubemci inherited, which are accepted and ignored so
 * that existing scripts keep working. Pure.
 */
import { GCE_FLAGS, HELP_FLAG, NAMESPACE_FLAG, OUTPUT_FLAG, type FlagSpec } from '../shared/flags.ts';

/** The commands, as kubemci names them. */
export const COMMANDS = ['create', 'delete', 'get-status', 'list', 'remove-clusters', 'version'] as const;

/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** glog's flags, which kubemci grafted onto every command; they change nothing here. */
export const IGNORED_GLOG_FLAGS: readonly FlagSpec[] = [
  { name: 'v', short: 'v', kind: 'string' },
  { name: 'vmodule', kind: 'string' },
  { name: 'logtostderr', kind: 'boolean' },
  { name: 'alsologtostderr', kind: 'boolean' },
  { name: 'stderrthreshold', kind: 'string' },
  { name: 'log_dir', kind: 'string' },
  { name: 'log_backtrace_at', kind: 'string' },
];

/** Where GCE is and who we are there (with kubemci's `--access-token`): every command but `version`. */
const LB_FLAGS: readonly FlagSpec[] = [
  ...GCE_FLAGS,
  { name: 'access-token', kind: 'string' },
  { name: 'instance-id', kind: 'string' },
  OUTPUT_FLAG,
  NAMESPACE_FLAG,
];

/** How member clusters are reached: the commands that touch them. */
const MEMBER_FLAGS: readonly FlagSpec[] = [
  { name: 'kubeconfig', short: 'k', kind: 'string' },
  // pflag's StringSlice: comma-separated, and repeatable.
  { name: 'kubecontexts', kind: 'list' },
  { name: 'wait-timeout', kind: 'string' },
  { name: 'node-tags', kind: 'list' },
  { name: 'ingress', short: 'i', kind: 'string' },
  { name: 'force', short: 'f', kind: 'boolean' },
  { name: 'dry-run', kind: 'optional', implied: 'true' },
];

const TRANSLATE_FLAGS: readonly FlagSpec[] = [
  { name: 'validate', kind: 'boolean' },
  { name: 'backend-mode', kind: 'string' },
];

/** The flags each command accepts; any other is a usage error, as in kubemci (cobra). */
export const COMMAND_FLAGS: Readonly<Record<CommandName, readonly FlagSpec[]>> = {
  create: [
    HELP_FLAG,
    ...IGNORED_GLOG_FLAGS,
    ...LB_FLAGS,
    ...MEMBER_FLAGS,
    ...TRANSLATE_FLAGS,
    { name: 'static-ip', kind: 'string' },
  ],
  delete: [HELP_FLAG, ...IGNORED_GLOG_FLAGS, ...LB_FLAGS, ...MEMBER_FLAGS],
  'remove-clusters': [HELP_FLAG, ...IGNORED_GLOG_FLAGS, ...LB_FLAGS, ...MEMBER_FLAGS, ...TRANSLATE_FLAGS],
  'get-status': [HELP_FLAG, ...IGNORED_GLOG_FLAGS, ...LB_FLAGS],
  list: [HELP_FLAG, ...IGNORED_GLOG_FLAGS, ...LB_FLAGS],
  version: [HELP_FLAG, ...IGNORED_GLOG_FLAGS],
};

/** Flags accepted before the command word (`kubemci --help`, glog flags). */
export const ROOT_FLAGS: readonly FlagSpec[] = [HELP_FLAG, ...IGNORED_GLOG_FLAGS];

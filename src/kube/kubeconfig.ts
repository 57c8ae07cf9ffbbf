/**
 * Kubeconfig data as kubectl understands it: parsing one file's text, merging several files
 * the way `KUBECONFIG=a:b` does (the first file to define a name wins), and choosing a
 * context. Pure: reading files is `kubeconfig-files.ts`'s job, and what a kubeconfig may
 * contain is `kubeconfig-policy.ts`'s.
 */
import path from 'node:path';
import { parse } from 'yaml';

/** A failure to read, parse or use a kubeconfig. The message is one line, fit for a user. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

/** A `clusters[]` entry. File paths are absolute when the kubeconfig came from a file. */
export interface KubeconfigCluster {
  readonly name: string;
  /** As written, with any trailing slash removed; empty when the entry has none. */
  readonly server: string;
  readonly certificateAuthority?: string;
  /** Base64 of PEM, as in the file. */
  readonly certificateAuthorityData?: string;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

/** A `users[]` entry. File paths are absolute when the kubeconfig came from a file. */
export interface KubeconfigUser {
  readonly name: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly clientCertificate?: string;
  /** Base64 of PEM, as in the file. */
  readonly clientCertificateData?: string;
  readonly clientKey?: string;
  /** Base64 of PEM, as in the file. */
  readonly clientKeyData?: string;
  readonly username?: string;
  readonly password?: string;
  /** The `as` field: a user to impersonate. */
  readonly impersonate?: string;
  readonly exec?: Readonly<Record<string, unknown>>;
  readonly authProvider?: Readonly<Record<string, unknown>>;
}

/** A `contexts[]` entry. */
export interface KubeconfigContext {
  readonly name: string;
  readonly cluster: string;
  readonly user?: string;
  readonly namespace?: string;
}

/** A whole kubeconfig, or several merged. */
export interface Kubeconfig {
  readonly clusters: readonly KubeconfigCluster[];
  readonly users: readonly KubeconfigUser[];
  readonly contexts: readonly KubeconfigContext[];
  readonly currentContext?: string;
}

/** One context resolved to its cluster and user: everything needed to talk to a server. */
export interface KubeconfigSelection {
  readonly context: KubeconfigContext;
  readonly cluster: KubeconfigCluster;
  /** The context's user; a user with only a name (anonymous) when the context names none. */
  readonly user: KubeconfigUser;
}

/**
 * Parses a kubeconfig (YAML or JSON). Relative file paths are made absolute against `baseDir`
 * when it is given, as kubectl does for files; without it they stay as written. Entries
 * without a name are skipped, as they could never be selected. Throws KubeconfigError when
 * the text is not YAML or its lists are not lists; `source` names the input in that message.
 */
export function parseKubeconfig(text: string, source: string, baseDir?: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig ${source} is not valid YAML: ${firstLine(err)}`, { cause: err });
  }
  if (doc == null) return { clusters: [], users: [], contexts: [] };
  if (!isRecord(doc)) throw new KubeconfigError(`kubeconfig ${source} is not a mapping`);
  const abs = (p: string | undefined): string | undefined =>
    p === undefined || baseDir === undefined || path.isAbsolute(p) ? p : path.resolve(baseDir, p);

  const clusters = namedEntries(doc, 'clusters', 'cluster', source).map(([name, c]) => ({
    name,
    server: str(c.server, source, `cluster ${name} server`)?.replace(/\/$/, '') ?? '',
    certificateAuthority: abs(
      str(c['certificate-authority'], source, `cluster ${name} certificate-authority`),
    ),
    certificateAuthorityData: str(
      c['certificate-authority-data'],
      source,
      `cluster ${name} certificate-authority-data`,
    ),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c['tls-server-name'], source, `cluster ${name} tls-server-name`),
    proxyUrl: str(c['proxy-url'], source, `cluster ${name} proxy-url`),
  }));
  const users = namedEntries(doc, 'users', 'user', source).map(([name, u]) => {
    const field = (key: string): string | undefined => str(u[key], source, `user ${name} ${key}`);
    return {
      name,
      token: field('token'),
      tokenFile: abs(field('tokenFile') ?? field('token-file')),
      clientCertificate: abs(field('client-certificate')),
      clientCertificateData: field('client-certificate-data'),
      clientKey: abs(field('client-key')),
      clientKeyData: field('client-key-data'),
      username: field('username'),
      password: field('password'),
      impersonate: field('as'),
      exec: isRecord(u.exec) ? u.exec : undefined,
      authProvider: isRecord(u['auth-provider']) ? u['auth-provider'] : undefined,
    };
  });
  const contexts = namedEntries(doc, 'contexts', 'context', source).map(([name, c]) => ({
    name,
    cluster: str(c.cluster, source, `context ${name} cluster`) ?? '',
    user: str(c.user, source, `context ${name} user`) || undefined,
    namespace: str(c.namespace, source, `context ${name} namespace`) || undefined,
  }));
  const current = str(doc['current-context'], source, 'current-context') || undefined;
  return {
    clusters: clusters.map(compact),
    users: users.map(compact),
    contexts: contexts.map(compact),
    ...(current ? { currentContext: current } : {}),
  };
}

/**
 * Merges kubeconfigs in order, as kubectl merges the files of `KUBECONFIG`: for each name the
 * first definition wins, and so does the first non-empty current-context. Never throws.
 */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const firstByName = <T extends { name: string }>(lists: (readonly T[])[]): T[] => {
    const seen = new Map<string, T>();
    for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const current = configs.find((c) => c.currentContext)?.currentContext;
  return {
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    ...(current ? { currentContext: current } : {}),
  };
}

/**
 * Resolves the named context, or the current one when no name is given, to its cluster and
 * user. Throws KubeconfigError when no context is named and none is current, when the context
 * does not exist, or when it names a cluster (or user) the kubeconfig does not define or a
 * cluster without a server.
 */
export function selectContext(config: Kubeconfig, contextName?: string): KubeconfigSelection {
  const name = contextName || config.currentContext;
  if (!name) throw new KubeconfigError('the kubeconfig has no current-context and no context was named');
  const context = config.contexts.find((c) => c.name === name);
  if (!context) throw new KubeconfigError(`context "${name}" not found in the kubeconfig`);
  const cluster = config.clusters.find((c) => c.name === context.cluster);
  if (!cluster) {
    throw new KubeconfigError(
      `context "${name}" names cluster "${context.cluster}", which the kubeconfig does not define`,
    );
  }
  if (!cluster.server) throw new KubeconfigError(`cluster "${cluster.name}" in the kubeconfig has no server`);
  let user: KubeconfigUser = { name: '' };
  if (context.user) {
    const found = config.users.find((u) => u.name === context.user);
    if (!found) {
      throw new KubeconfigError(
        `context "${name}" names user "${context.user}", which the kubeconfig does not define`,
      );
    }
    user = found;
  }
  return { context, cluster, user };
}

function namedEntries(
  doc: Record<string, unknown>,
  list: string,
  inner: string,
  source: string,
): [string, Record<string, unknown>][] {
  const value = doc[list];
  if (value == null) return [];
  if (!Array.isArray(value)) throw new KubeconfigError(`kubeconfig ${source}: ${list} is not a list`);
  const out: [string, Record<string, unknown>][] = [];
  for (const entry of value) {
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') continue;
    const body = entry[inner];
    out.push([entry.name, isRecord(body) ? body : {}]);
  }
  return out;
}

function str(value: unknown, source: string, what: string): string | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'string') throw new KubeconfigError(`kubeconfig ${source}: ${what} is not a string`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops undefined members so that entries compare and print cleanly. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/**
 * Reads the deploy manifests of config/ for unit tests: the YAML documents of a kustomization's
 * resources (following directories, as `kubectl kustomize` does) and of its patches, kept apart.
 * It does not apply patches: a test that needs an overlay's effect reads the patch itself. Only
 * the parts of Kubernetes objects the tests look at are typed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The project root, for paths such as `config/base`. */
export const ROOT = new URL('../../../', import.meta.url).pathname;

/** One RBAC rule. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs?: readonly string[];
}

/** A Kubernetes object as far as these tests read it. */
export interface Manifest {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string | null>>;
  };
  /** Roles and ClusterRoles. */
  readonly rules?: readonly PolicyRule[];
  /** RoleBindings and ClusterRoleBindings. */
  readonly roleRef?: { readonly kind?: string; readonly name?: string };
  readonly subjects?: readonly { readonly kind?: string; readonly name?: string; readonly namespace?: string }[];
  readonly spec?: Record<string, unknown>;
  /** `$patch: delete` in a strategic-merge patch. */
  readonly $patch?: string;
}

/** A kustomization's documents: the resources it builds from, and its patches. */
export interface Kustomization {
  readonly resources: readonly Manifest[];
  readonly patches: readonly Manifest[];
}

/** Throws when the text is not valid YAML, naming the file. */
export function readYamlDocuments(path: string): Manifest[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  return documents.flatMap((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${path}: ${document.errors[0]!.message}`, { cause: document.errors[0] });
    }
    const value = document.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/**
 * The documents of the kustomization in `dir` (relative to the project root): `resources`
 * entries that are files are read, directories are read as kustomizations (their resources and
 * patches join ours); `patches[].path` files go to `patches`. Generators are not read.
 */
export function readKustomization(dir: string): Kustomization {
  const base = join(ROOT, dir);
  const [kustomization] = readYamlDocuments(join(base, 'kustomization.yaml')) as unknown as {
    resources?: string[];
    patches?: { path?: string }[];
  }[];
  const resources: Manifest[] = [];
  const patches: Manifest[] = [];
  for (const entry of kustomization?.resources ?? []) {
    const path = join(base, entry);
    if (statSync(path).isDirectory()) {
      const inner = readKustomization(join(dir, entry));
      resources.push(...inner.resources);
      patches.push(...inner.patches);
    } else {
      resources.push(...readYamlDocuments(path));
    }
  }
  for (const patch of kustomization?.patches ?? []) {
    if (patch.path !== undefined) patches.push(...readYamlDocuments(join(base, patch.path)));
  }
  return { resources, patches };
}

/** Every YAML document of every `.yaml` file under `dir` (recursively), with its file. */
export function readAllYaml(dir: string): { file: string; manifest: Manifest }[] {
  const out: { file: string; manifest: Manifest }[] = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...readAllYaml(path));
    else if (name.endsWith('.yaml')) {
      for (const manifest of readYamlDocuments(join(ROOT, path))) out.push({ file: path, manifest });
    }
  }
  return out;
}

/** The one object of `kind` named `name` among `manifests`; throws when there is not exactly one. */
export function findOne(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0]!;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseControllerOptions, type ControllerOptions } from '../../../src/options/controller-options.ts';
import { ROOT, findOne, readAllYaml, readKustomization, type Manifest } from './manifests.ts';
import { canIRows, grantedRows, readAllowList, rulesIn } from './rbac-rows.ts';

interface Probe {
  readonly httpGet?: { readonly path?: string; readonly port?: string | number };
}
interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}
interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name?: string }[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort?: number }[];
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: readonly { readonly name?: string; readonly mountPath?: string }[];
}
interface DeploymentSpec {
  readonly replicas?: number;
  readonly template?: {
    readonly spec?: {
      readonly serviceAccountName?: string;
      readonly securityContext?: SecurityContext;
      readonly containers?: readonly Container[];
      readonly volumes?: readonly { readonly name?: string; readonly secret?: { readonly secretName?: string } }[];
    };
  };
}

const ACCOUNT = { namespace: 'kubemci-system', name: 'kubemci-controller' };
const REGISTRY_DIRS = ['config/base', 'config/overlays'];
const ALL_RBAC_DIRS = [...REGISTRY_DIRS, 'config/member'];

const deploymentSpec = (m: Manifest) => (m.spec ?? {}) as DeploymentSpec;
const controllerOf = (m: Manifest): Container => {
  const container = deploymentSpec(m).template?.spec?.containers?.find((c) => c.name === 'controller');
  if (!container) throw new Error(`Deployment ${m.metadata?.name} has no container named controller`);
  return container;
};
const isRbacRole = (m: Manifest) => m.kind === 'Role' || m.kind === 'ClusterRole';
const rolesUnder = (dirs: readonly string[]) =>
  dirs.flatMap((dir) => readAllYaml(dir)).filter(({ manifest }) => isRbacRole(manifest));

/** The namespaces in which `account` is bound (by RoleBinding) to the role `kind`/`name`. */
function boundNamespaces(manifests: readonly Manifest[], kind: string, name: string): string[] {
  return manifests
    .filter(
      (m) =>
        m.kind === 'RoleBinding' &&
        m.roleRef?.kind === kind &&
        m.roleRef.name === name &&
        (m.subjects ?? []).some((s) => s.name === ACCOUNT.name && s.namespace === ACCOUNT.namespace),
    )
    .map((m) => m.metadata?.namespace ?? '')
    .sort();
}

describe('deploy manifests (config/)', () => {
  describe('RBAC, everywhere (registry and member)', () => {
    const roles = rolesUnder(ALL_RBAC_DIRS);

    it('finds the roles it checks', () => {
      const names = roles.map(({ manifest }) => manifest.metadata?.name);
      expect(names).to.include.members([
        'kubemci-controller-registry',
        'kubemci-controller-watched',
        'kubemci-controller-inventory',
        'kubemci-controller-leader-election',
        'kubemci-member',
      ]);
    });

    it('has no wildcard verbs, resources, apiGroups or resource names', () => {
      for (const { file, manifest } of roles) {
        for (const rule of manifest.rules ?? []) {
          const fields = [rule.verbs, rule.resources, rule.apiGroups, rule.resourceNames, rule.nonResourceURLs];
          for (const values of fields) {
            for (const value of values ?? []) {
              expect(value, `${file} ${manifest.metadata?.name}`).to.not.include('*');
            }
          }
        }
      }
    });

    it('never grants escalate, bind or impersonate', () => {
      for (const { file, manifest } of roles) {
        const verbs = (manifest.rules ?? []).flatMap((rule) => rule.verbs ?? []);
        const forbidden = verbs.filter((verb) => ['escalate', 'bind', 'impersonate'].includes(verb));
        expect(forbidden, `${file} ${manifest.metadata?.name}`).to.deep.equal([]);
      }
    });

    it('grants nothing on pods/exec, attach, portforward or ephemeral containers', () => {
      for (const { file, manifest } of roles) {
        const resources = (manifest.rules ?? []).flatMap((rule) => rule.resources ?? []);
        const forbidden = resources.filter((resource) =>
          ['pods/exec', 'pods/attach', 'pods/portforward', 'pods/ephemeralcontainers'].includes(resource),
        );
        expect(forbidden, `${file} ${manifest.metadata?.name}`).to.deep.equal([]);
      }
    });

    it('names every rule explicitly: verbs, API groups, and resources or non-resource URLs', () => {
      for (const { file, manifest } of roles) {
        for (const rule of manifest.rules ?? []) {
          expect((rule.verbs ?? []).length, file).to.be.greaterThan(0);
          expect((rule.resources ?? []).length + (rule.nonResourceURLs ?? []).length, file).to.be.greaterThan(0);
          if (rule.resources) expect((rule.apiGroups ?? []).length, file).to.be.greaterThan(0);
        }
      }
    });
  });

  describe('RBAC in the registry', () => {
    it('grants nothing on Pods at all, and no non-resource URLs', () => {
      for (const { file, manifest } of rolesUnder(REGISTRY_DIRS)) {
        for (const rule of manifest.rules ?? []) {
          const pods = (rule.resources ?? []).filter((resource) => resource.split('/')[0] === 'pods');
          expect(pods, file).to.deep.equal([]);
          expect(rule.nonResourceURLs, file).to.equal(undefined);
        }
      }
    });

    it('reads Secrets cluster-wide only in the all-namespaces overlay', () => {
      const base = readKustomization('config/base').resources;
      const bound = base
        .filter((m) => m.kind === 'ClusterRoleBinding')
        .map((m) => findOne(base, 'ClusterRole', m.roleRef?.name ?? ''));
      const clusterWide = bound.flatMap((role) => role.rules ?? []).flatMap((rule) => rule.resources ?? []);
      expect(clusterWide).to.not.include('secrets');
      const allNamespaces = readKustomization('config/overlays/all-namespaces');
      const binding = findOne(allNamespaces.resources, 'ClusterRoleBinding', 'kubemci-controller-watched');
      expect(binding.roleRef).to.deep.include({ kind: 'ClusterRole', name: 'kubemci-controller-watched' });
    });

    it('writes Clusters only through their status subresource, and Leases only in its own namespace', () => {
      const base = readKustomization('config/base').resources;
      const rules = base.filter(isRbacRole).flatMap((role) => (role.rules ?? []).map((rule) => ({ role, rule })));
      for (const { role, rule } of rules) {
        if ((rule.resources ?? []).includes('clusters')) {
          const writes = (rule.verbs ?? []).filter((verb) => !['get', 'list', 'watch'].includes(verb));
          expect(writes, 'verbs on Clusters beyond reading').to.deep.equal([]);
        }
        if ((rule.resources ?? []).includes('leases')) {
          expect(role.kind).to.equal('Role');
          expect(role.metadata?.namespace).to.equal('kubemci-system');
        }
      }
    });
  });

  describe('the Deployment (config/base)', () => {
    // Read in a hook, so that a manifest the parser refuses fails a test rather than the run.
    let base: Manifest[];
    let deployment: Manifest;
    let spec: DeploymentSpec;
    let container: Container;
    let options: ControllerOptions;
    before(() => {
      base = [...readKustomization('config/base').resources];
      deployment = findOne(base, 'Deployment', 'kubemci-controller');
      spec = deploymentSpec(deployment);
      container = controllerOf(deployment);
      options = parseControllerOptions(container.args ?? []);
    });

    it('runs two replicas with --leader-elect, the Lease in its own namespace', () => {
      expect(spec.replicas).to.equal(2);
      expect(container.args).to.include('--leader-elect');
      expect(options.leaderElect).to.equal(true);
      expect(options.leaderElectionNamespace).to.equal(deployment.metadata?.namespace);
    });

    it('has a restricted security context on the pod and the container', () => {
      const pod = spec.template?.spec?.securityContext;
      expect(pod?.runAsNonRoot).to.equal(true);
      expect(pod?.seccompProfile?.type).to.equal('RuntimeDefault');
      const sc = container.securityContext;
      expect(sc?.runAsNonRoot).to.equal(true);
      expect(sc?.readOnlyRootFilesystem).to.equal(true);
      expect(sc?.allowPrivilegeEscalation).to.equal(false);
      expect(sc?.capabilities?.drop).to.deep.equal(['ALL']);
      expect(sc?.capabilities?.add).to.equal(undefined);
      expect(sc?.seccompProfile?.type).to.equal('RuntimeDefault');
    });

    it('probes /healthz and /readyz on the port --metrics-addr listens on, which the Service targets', () => {
      const metricsPort = container.ports?.find((p) => p.name === 'metrics');
      expect(metricsPort?.containerPort).to.equal(options.metricsAddr.port);
      expect(container.livenessProbe?.httpGet).to.deep.equal({ path: '/healthz', port: 'metrics' });
      expect(container.readinessProbe?.httpGet).to.deep.equal({ path: '/readyz', port: 'metrics' });
      const service = findOne(base, 'Service', 'kubemci-controller-metrics');
      const ports = (service.spec?.ports ?? []) as { targetPort?: string }[];
      expect(ports.map((p) => p.targetPort)).to.deep.equal(['metrics']);
    });

    it('sets CPU and memory requests and limits', () => {
      for (const kind of ['requests', 'limits'] as const) {
        expect(container.resources?.[kind]).to.have.all.keys('cpu', 'memory');
      }
    });

    it("runs the Dockerfile's image at the package version, as the ServiceAccount with Workload Identity", () => {
      const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect(container.image).to.equal(`kubemci-controller:${version}`);
      expect(spec.template?.spec?.serviceAccountName).to.equal('kubemci-controller');
      const account = findOne(base, 'ServiceAccount', 'kubemci-controller');
      expect(account.metadata?.annotations?.['iam.gke.io/gcp-service-account']).to.match(
        /^[a-z][-a-z0-9]*@[a-z][-a-z0-9]*\.iam\.gserviceaccount\.com$/,
      );
    });

    it('uses Application Default Credentials and mounts no key file', () => {
      expect(options.credentials).to.deep.equal({ source: 'adc' });
      expect((container.env ?? []).map((e) => e.name)).to.not.include('GOOGLE_APPLICATION_CREDENTIALS');
      expect(spec.template?.spec?.volumes).to.equal(undefined);
    });

    it('keeps --project first and --watch-namespaces third, where docs/operations.md patches them', () => {
      expect(container.args?.[0]).to.match(/^--project=/);
      expect(container.args?.[2]).to.match(/^--watch-namespaces=/);
    });

    it('binds the Secret-reading roles in exactly the inventory and watched namespaces', () => {
      expect(boundNamespaces(base, 'Role', 'kubemci-controller-inventory')).to.deep.equal(
        [...options.inventoryNamespaces].sort(),
      );
      expect(options.watchNamespaces.length).to.be.greaterThan(0);
      expect(boundNamespaces(base, 'ClusterRole', 'kubemci-controller-watched')).to.deep.equal(
        [...options.watchNamespaces].sort(),
      );
    });
  });

  describe('overlays', () => {
    it('every Deployment argument list, patches included, is accepted by parseControllerOptions', () => {
      const deployments = REGISTRY_DIRS.flatMap((dir) => readAllYaml(dir)).filter(
        ({ manifest }) => manifest.kind === 'Deployment',
      );
      expect(deployments.map(({ file }) => file)).to.include.members([
        'config/base/deployment.yaml',
        'config/overlays/testenv/deployment-testenv.yaml',
        'config/overlays/all-namespaces/deployment-args.yaml',
      ]);
      for (const { file, manifest } of deployments) {
        const args = controllerOf(manifest).args ?? [];
        expect(args.length, file).to.be.greaterThan(0);
        expect(() => parseControllerOptions(args), file).to.not.throw();
        expect(parseControllerOptions(args).leaderElect, file).to.equal(true);
      }
    });

    it('testenv: one replica, the emulator, a mounted token file, and a RoleBinding per watched namespace', () => {
      const testenv = readKustomization('config/overlays/testenv');
      const patch = findOne(testenv.patches, 'Deployment', 'kubemci-controller');
      const container = controllerOf(patch);
      const options = parseControllerOptions(container.args ?? []);
      expect(deploymentSpec(patch).replicas).to.equal(1);
      expect(options.gceEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(options.credentials.source).to.equal('access-token-file');
      const tokenPath = options.credentials.source === 'access-token-file' ? options.credentials.path : '';
      const mount = container.volumeMounts?.find((m) => tokenPath.startsWith(`${m.mountPath}/`));
      expect(mount, 'a volume mounted over the token file').to.not.equal(undefined);
      const volume = deploymentSpec(patch).template?.spec?.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.secret?.secretName).to.equal('kubemci-gce-token');
      expect(boundNamespaces(testenv.resources, 'ClusterRole', 'kubemci-controller-watched')).to.deep.equal(
        [...options.watchNamespaces].sort(),
      );
    });

    it('all-namespaces: no --watch-namespaces, and the per-namespace binding of the base deleted', () => {
      const overlay = readKustomization('config/overlays/all-namespaces');
      const args = controllerOf(findOne(overlay.patches, 'Deployment', 'kubemci-controller')).args ?? [];
      expect(parseControllerOptions(args).watchNamespaces).to.deep.equal([]);
      const deleted = findOne(overlay.patches, 'RoleBinding', 'kubemci-controller-watched');
      expect(deleted.$patch).to.equal('delete');
    });
  });

  describe('the reviewed allow-lists', () => {
    it('config/rbac-allowlist-registry.txt lists exactly what config/overlays/testenv grants, per namespace', () => {
      const manifests = readKustomization('config/overlays/testenv').resources;
      const allowed = readAllowList(join(ROOT, 'config/rbac-allowlist-registry.txt'));
      expect([...allowed.keys()].sort()).to.deep.equal([
        'default',
        'kube-multicluster-public',
        'kube-system',
        'kubemci-e2e',
        'kubemci-system',
      ]);
      for (const [namespace, rows] of allowed) {
        expect(grantedRows(rows), namespace).to.deep.equal(canIRows(rulesIn(manifests, ACCOUNT, namespace)));
      }
    });

    it('config/rbac-allowlist-member.txt lists exactly what config/member grants', () => {
      const manifests = readAllYaml('config/member').map(({ manifest }) => manifest);
      const allowed = readAllowList(join(ROOT, 'config/rbac-allowlist-member.txt'));
      expect([...allowed.keys()]).to.deep.equal(['default']);
      expect(grantedRows(allowed.get('default')!)).to.deep.equal(canIRows(rulesIn(manifests, ACCOUNT, 'default')));
    });
  });
});

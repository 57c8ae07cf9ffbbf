import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterFiles } from '../../harness/cluster.ts';
import { pollUntil } from '../../harness/poll.ts';
import { startTestEnv, type TestEnv } from '../../harness/testenv.ts';
import { readAllowList } from '../../unit/config/rbac-rows.ts';
import { ourResources, waitForServing } from '../controller/world-queries.ts';
import { ingressManifest, startWorld, type ControllerProcess, type World } from '../controller/world.ts';
import { REPO, applyRegistryCrds, kubectl, kubectlOk } from '../../harness/kubectl.ts';
import { canI, canIList, describeAccess, type Access, type CanIContext } from './can-i.ts';
import { forbiddenLines } from './forbidden-lines.ts';
import { refusedCalls, startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { mintToken, serviceAccountUser, writeTokenKubeconfig } from './token-kubeconfig.ts';

// Destructive: applies config/overlays/testenv (cluster-wide RBAC, the kubemci-system namespace,
// a Lease) to a registry of its own, with one member. The controller runs with a TokenRequest
// token of its ServiceAccount, never as an administrator, so a permission missing from config/
// fails the story; then the account's rights are compared with the reviewed allow-lists.
const ACCOUNT = { namespace: 'kubemci-system', name: 'kubemci-controller' };
const AS = serviceAccountUser(ACCOUNT);
const INVENTORY = 'kube-multicluster-public';
const APP = 'kubemci-e2e';
const CLUSTERS = 'clusters.clusterregistry.k8s.io';
const FINALIZER = 'kubemci.io/cleanup';

/** What the controller's account must never be able to do, in either cluster. */
const DENIED_EVERYWHERE: readonly Access[] = [
  { verb: '*', resource: '*', namespace: 'all' },
  { verb: '*', resource: '*', namespace: ACCOUNT.namespace },
  { verb: 'list', resource: 'secrets', namespace: 'all' },
  { verb: 'get', resource: 'secrets', namespace: 'kube-system' },
  { verb: 'list', resource: 'secrets', namespace: 'kube-system' },
  { verb: 'get', resource: 'secrets', namespace: ACCOUNT.namespace },
  { verb: 'escalate', resource: 'roles.rbac.authorization.k8s.io', namespace: ACCOUNT.namespace },
  { verb: 'escalate', resource: 'clusterroles.rbac.authorization.k8s.io' },
  { verb: 'bind', resource: 'roles.rbac.authorization.k8s.io', namespace: ACCOUNT.namespace },
  { verb: 'bind', resource: 'clusterroles.rbac.authorization.k8s.io' },
  { verb: 'create', resource: 'clusterrolebindings.rbac.authorization.k8s.io' },
  { verb: 'impersonate', resource: 'users' },
  { verb: 'impersonate', resource: 'groups' },
  { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'kube-system' },
  { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: ACCOUNT.namespace },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: APP },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'kube-system' },
  { verb: 'create', resource: 'pods', namespace: APP },
];

/** Registry only: it holds no workloads of ours, and the Clusters' spec is the user's. */
const DENIED_IN_REGISTRY: readonly Access[] = [
  { verb: 'get', resource: 'pods', namespace: APP },
  { verb: 'list', resource: 'pods', namespace: 'all' },
  { verb: 'get', resource: 'secrets', namespace: INVENTORY },
  { verb: 'get', resource: 'secrets', namespace: APP },
  { verb: 'list', resource: 'secrets', namespace: 'not-watched' },
  { verb: 'patch', resource: CLUSTERS, namespace: INVENTORY },
  { verb: 'delete', resource: CLUSTERS, namespace: INVENTORY },
  { verb: 'delete', resource: 'ingresses.networking.k8s.io', namespace: APP },
  { verb: 'create', resource: 'events', namespace: INVENTORY },
];

/** Member only: no Secret anywhere, and nothing beyond reading Pods and Nodes. */
const DENIED_IN_MEMBER: readonly Access[] = [
  { verb: 'list', resource: 'secrets', namespace: 'default' },
  { verb: 'watch', resource: 'secrets', namespace: 'all' },
  { verb: 'delete', resource: 'pods', namespace: APP },
  { verb: 'patch', resource: 'nodes' },
];

describe('least privilege: the controller as its ServiceAccount (own environment)', function () {
  this.timeout(300_000);
  let env: TestEnv;
  let world: World;
  let controller: ControllerProcess;
  let cluster: string;
  let saKubeconfig: string;
  // Every call of the controller passes one of these, so every refusal is seen.
  const proxies: { registry?: RecordingProxy; member?: RecordingProxy } = {};
  // The proxy presents the API server's own serving pair (kube-testenv's PKI, for 127.0.0.1).
  const proxyFor = (name: string) => {
    const c = env.cluster(name);
    return startRecordingProxy({
      target: c.server,
      caPem: readFileSync(clusterFiles(c.spec).ca),
      certPem: readFileSync(join(c.spec.dir, 'serving.crt')),
      keyPem: readFileSync(join(c.spec.dir, 'serving.key')),
    });
  };

  before(async function () {
    this.timeout(300_000);
    env = await startTestEnv({ members: 1 });
    const admin = env.registry.kubeconfig;
    await applyRegistryCrds(env.kubectlPath, admin);
    await kubectlOk(env.kubectlPath, [
      'apply',
      '-k',
      join(REPO, 'config/overlays/testenv'),
      '--kubeconfig',
      admin,
    ]);
    world = await startWorld(env, { members: ['member-1'], namespaces: { inventory: INVENTORY, app: APP } });
    proxies.registry = await proxyFor('registry');
    proxies.member = await proxyFor('member-1');
    saKubeconfig = join(world.dir, 'controller-sa.kubeconfig');
    writeTokenKubeconfig(saKubeconfig, {
      server: proxies.registry.url,
      caPem: readFileSync(clusterFiles(env.registry.spec).ca),
      token: await mintToken(env.kubectlPath, admin, ACCOUNT, '1h'),
    });
    await world.deployApp('member-1');
    cluster = await world.register('member-1');
    // The member is reached through its proxy: only the address changes; the token and CA are
    // the ones `kubectl create cluster` stored.
    await world.kubectl(
      'registry',
      '-n',
      INVENTORY,
      'patch',
      CLUSTERS,
      cluster,
      '--type=merge',
      '-p',
      JSON.stringify({
        spec: { kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: proxies.member.url }] } },
      }),
    );
    // As config/overlays/testenv runs it: with leader election, so the Lease rights are used.
    controller = await world.startController(
      ['--leader-elect', '--leader-election-namespace', ACCOUNT.namespace],
      {
        kubeconfig: saKubeconfig,
      },
    );
  });
  after(async function () {
    this.timeout(60_000);
    await world?.stop();
    await proxies.registry?.close();
    await proxies.member?.close();
    await env?.stop();
  });

  // A story step that times out says which calls were refused, if any, and how the log ends.
  const withLog = (err: Error): never => {
    const refused = [
      ...refusedCalls(proxies.registry?.calls() ?? []),
      ...refusedCalls(proxies.member?.calls() ?? []),
    ];
    throw new Error(
      `${err.message}\n--- refused calls ---\n${refused.join('\n') || '(none)'}` +
        `\n--- controller log (tail) ---\n${controller?.log().slice(-8000)}`,
    );
  };
  const registryCtx = (): CanIContext => ({
    kubectlPath: env.kubectlPath,
    kubeconfig: env.registry.kubeconfig,
    as: AS,
  });
  const memberCtx = (): CanIContext => ({
    kubectlPath: env.kubectlPath,
    kubeconfig: env.cluster('member-1').kubeconfig,
    as: AS,
  });
  const whoami = (kubeconfig: string) =>
    kubectlOk(env.kubectlPath, [
      'auth',
      'whoami',
      '-o',
      'jsonpath={.status.userInfo.username}',
      '--kubeconfig',
      kubeconfig,
    ]);
  const derivedServices = () =>
    world.kubectl(
      'member-1',
      '-n',
      APP,
      'get',
      'svc',
      '-l',
      'app.kubernetes.io/managed-by=kubemci-controller',
      '-o',
      'name',
    );
  const expectDenied = async (ctx: CanIContext, list: readonly Access[]) => {
    const granted: string[] = [];
    for (const access of list) if (await canI(ctx, access)) granted.push(describeAccess(access));
    expect(granted, 'granted, but must be denied').to.deep.equal([]);
  };

  describe('the full story, every call as the ServiceAccount', () => {
    it('takes and renews its Lease, and writes the OK condition of the Cluster that `kubectl create cluster` registered', async () => {
      const holder = await pollUntil(
        'the Lease kubemci-system/kubemci-controller to have a holder',
        async () =>
          (await world.kubectl(
            'registry',
            '-n',
            ACCOUNT.namespace,
            'get',
            'lease',
            'kubemci-controller',
            '-o',
            'jsonpath={.spec.holderIdentity}',
          )) || undefined,
        30_000,
      ).catch(withLog);
      expect(holder).to.match(/\S/);
      // Renewal is an update of the named Lease, a right of its own (every third of 15 s).
      await pollUntil(
        'a renewal of the Lease',
        async () =>
          proxies
            .registry!.calls()
            .some(
              (c) =>
                c.method === 'PUT' &&
                c.path ===
                  `/apis/coordination.k8s.io/v1/namespaces/${ACCOUNT.namespace}/leases/kubemci-controller` &&
                c.status === 200,
            ) || undefined,
        30_000,
      ).catch(withLog);
      const ok = await pollUntil(
        'the Cluster OK condition',
        async () =>
          (await world.kubectl(
            'registry',
            '-n',
            INVENTORY,
            'get',
            CLUSTERS,
            cluster,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="OK")].status}',
          )) || undefined,
        60_000,
      ).catch(withLog);
      expect(ok).to.equal('True');
    });

    it('serves an Ingress: VIP and status, finalizer, the derived Service in the member, an Event', async () => {
      await kubectlOk(env.kubectlPath, ['--kubeconfig', env.registry.kubeconfig, 'apply', '-f', '-'], {
        input: ingressManifest(APP, 'shop'),
      });
      const { ip, status } = await waitForServing(world, 'shop', withLog);
      expect(ip).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      expect(status.vip).to.equal(ip);
      expect(status.clusters.map((c) => c.name)).to.deep.equal([cluster]);
      const finalizers = await world.kubectl(
        'registry',
        '-n',
        APP,
        'get',
        'ingress',
        'shop',
        '-o',
        'jsonpath={.metadata.finalizers}',
      );
      expect(JSON.parse(finalizers)).to.include(FINALIZER);
      expect((await derivedServices()).trim()).to.match(/^service\//);
      const events = await pollUntil(
        'an Event on the Ingress',
        async () =>
          (await world.kubectl(
            'registry',
            '-n',
            APP,
            'get',
            'events',
            '--field-selector',
            'involvedObject.name=shop,reason=LoadBalancerCreated',
            '-o',
            'name',
          )) || undefined,
        30_000,
      ).catch(withLog);
      expect(events.trim()).to.match(/^event\//);
    });

    it('cleans up when the Ingress is deleted: GCE resources and the derived Service go, then the finalizer', async () => {
      expect(await ourResources(world, `${APP}/shop`)).to.not.deep.equal([]);
      await world.kubectl('registry', '-n', APP, 'delete', 'ingress', 'shop', '--wait=false');
      await pollUntil(
        'the Ingress to be gone (finalizer removed)',
        async () => {
          const r = await kubectl(env.kubectlPath, [
            '-n',
            APP,
            'get',
            'ingress',
            'shop',
            '--ignore-not-found',
            '-o',
            'name',
            '--kubeconfig',
            env.registry.kubeconfig,
          ]);
          return r.code === 0 && r.stdout.trim() === '' ? true : undefined;
        },
        90_000,
      ).catch(withLog);
      expect(await ourResources(world, `${APP}/shop`)).to.deep.equal([]);
      await pollUntil(
        'the derived Service in the member to be deleted',
        async () => ((await derivedServices()).trim() === '' ? true : undefined),
        60_000,
      ).catch(withLog);
    });

    it('was refused nothing: no 403 from either API server, no "forbidden" in its log', () => {
      const registry = proxies.registry!.calls();
      const member = proxies.member!.calls();
      expect(refusedCalls(registry), 'refused by the registry').to.deep.equal([]);
      expect(refusedCalls(member), 'refused by the member').to.deep.equal([]);
      // And they did carry the controller's traffic: its Ingress watch, its member Services.
      expect(
        registry.some((c) => c.path.includes(`/namespaces/${APP}/ingresses`) && c.status === 200),
      ).to.equal(true);
      expect(
        member.some((c) => c.method === 'POST' && c.path.includes(`/namespaces/${APP}/services`)),
      ).to.equal(true);
      const log = controller.log();
      expect(log).to.include('"message":"running"');
      expect(forbiddenLines(log)).to.deep.equal([]);
    });

    it('would have seen a refusal: the same account, given a namespace it may not watch, is refused', async () => {
      // The check above is only as good as its measure: a second, dry-run controller with the
      // same token is refused the Ingresses of an unbound namespace, which the proxy records.
      const seen = proxies.registry!.calls().length;
      const probe = await world.startController(['--watch-namespaces', 'not-watched', '--dry-run'], {
        kubeconfig: saKubeconfig,
      });
      try {
        const refused = await pollUntil(
          'a refused list of Ingresses in not-watched',
          async () => {
            const r = refusedCalls(proxies.registry!.calls().slice(seen));
            return r.some((c) =>
              c.startsWith('GET /apis/networking.k8s.io/v1/namespaces/not-watched/ingresses'),
            )
              ? r
              : undefined;
          },
          30_000,
        );
        expect(refused.some((c) => c.startsWith('GET /api/v1/namespaces/not-watched/secrets'))).to.equal(
          true,
        );
      } finally {
        await probe.stop();
      }
    });
  });

  describe('registry: config/overlays/testenv against config/rbac-allowlist-registry.txt', () => {
    const allowList = readAllowList(join(REPO, 'config/rbac-allowlist-registry.txt'));

    it("the controller's kubeconfig is a token of kubemci-system/kubemci-controller, refused Secrets elsewhere", async () => {
      expect(await whoami(saKubeconfig)).to.equal(AS);
      const r = await kubectl(env.kubectlPath, [
        'get',
        'secrets',
        '-n',
        'kube-system',
        '--kubeconfig',
        saKubeconfig,
      ]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/forbidden/i);
    });

    it('has sections for the namespaces the controller uses and one it does not', () => {
      expect([...allowList.keys()]).to.include.members([
        ACCOUNT.namespace,
        INVENTORY,
        APP,
        'default',
        'kube-system',
      ]);
    });

    for (const [namespace, rows] of allowList) {
      it(`grants exactly the reviewed rows in ${namespace}`, async () => {
        expect(await canIList(registryCtx(), namespace)).to.deep.equal([...rows].sort());
      });
    }

    it('grants in a namespace it does not serve exactly what it grants in kube-system', async () => {
      expect(await canIList(registryCtx(), 'not-watched')).to.deep.equal(
        [...(allowList.get('kube-system') ?? [])].sort(),
      );
    });

    it('denies Secrets outside its namespaces, wildcards, escalate, bind, impersonate, exec and Pods', async () => {
      await expectDenied(registryCtx(), [...DENIED_EVERYWHERE, ...DENIED_IN_REGISTRY]);
    });
  });

  describe('member: the role `kubectl create cluster` binds, against config/rbac-allowlist-member.txt', () => {
    const allowList = readAllowList(join(REPO, 'config/rbac-allowlist-member.txt'));

    for (const [namespace, rows] of allowList) {
      it(`grants exactly the reviewed rows in ${namespace}, and the same in ${APP} and kube-system`, async () => {
        const expected = [...rows].sort();
        for (const ns of [namespace, APP, 'kube-system']) {
          expect(await canIList(memberCtx(), ns), ns).to.deep.equal(expected);
        }
      });
    }

    it("stores in the registry a token of the member's kubemci-system/kubemci-controller, which reads no Secret", async () => {
      const secretName = await world.kubectl(
        'registry',
        '-n',
        INVENTORY,
        'get',
        CLUSTERS,
        cluster,
        '-o',
        'jsonpath={.spec.authInfo.controller.name}',
      );
      const data = JSON.parse(
        await world.kubectl(
          'registry',
          '-n',
          INVENTORY,
          'get',
          'secret',
          secretName,
          '-o',
          'jsonpath={.data}',
        ),
      ) as Record<string, string>;
      const memberKubeconfig = join(world.dir, 'member-credential.kubeconfig');
      writeTokenKubeconfig(memberKubeconfig, {
        server: env.cluster('member-1').server,
        caPem: Buffer.from(data['ca.crt'] ?? '', 'base64'),
        token: Buffer.from(data.token ?? '', 'base64').toString('utf8'),
      });
      expect(await whoami(memberKubeconfig)).to.equal(AS);
      const r = await kubectl(env.kubectlPath, ['get', 'secrets', '-A', '--kubeconfig', memberKubeconfig]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/forbidden/i);
    });

    it('denies Secrets, wildcards, escalate, bind, impersonate, exec and writes to Pods and Nodes', async () => {
      await expectDenied(memberCtx(), [...DENIED_EVERYWHERE, ...DENIED_IN_MEMBER]);
    });
  });
});

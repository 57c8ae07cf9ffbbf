import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  type V1Ingress,
  type V1PodSpec,
} from '@kubernetes/client-node';
import { filter, firstValueFrom, timeout } from 'rxjs';
import {
  ClusterConnectionError,
  connectCluster,
  probeCluster,
  type ClusterConnection,
} from '../../../src/kube/cluster-connection.ts';
import { tokenKubeConfig } from '../../../src/kube/kubeconfig-client.ts';
import { apiStatusCode, MemberCallError } from '../../../src/kube/member-apis.ts';
import { derivedServiceName } from '../../../src/kube/member-derived-service.ts';
import { MemberClusterSession } from '../../../src/kube/member-facts.ts';
import { ingressCopyName } from '../../../src/kube/member-ingress-copy.ts';
import {
  deleteIngressCopy,
  ensureDerivedService,
  ensureIngressCopy,
  gcDerivedServices,
  gcIngressCopies,
  MemberObjectError,
  releaseDerivedService,
  type MemberTarget,
} from '../../../src/kube/member-objects.ts';
import type { MemberFact } from '../../../src/pipeline/types.ts';
import { pollUntil } from '../../harness/poll.ts';
import { freePort } from '../../harness/processes.ts';
import { applyRegistryCrds, kubectl, kubectlOk, uniqueName } from '../../harness/kubectl.ts';
import { sharedEnv } from '../setup.ts';

const CLUSTER_API = { group: 'clusterregistry.k8s.io', version: 'v1alpha1', plural: 'clusters' };
const NEG_STATUS =
  '{"network_endpoint_groups":{"80":"k8s1-0000-web-80"},"zones":["us-central1-a","us-central1-b"]}';
const IG =
  '[{"Name":"k8s-ig--0001","Zone":"https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a"}]';

function client(kubeconfig: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

function podSpec(path: string): V1PodSpec {
  return {
    containers: [
      {
        name: 'web',
        image: 'registry.invalid/web:1',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path, port: 'http' } },
      },
      {
        name: 'metrics',
        image: 'registry.invalid/metrics:1',
        ports: [{ name: 'metrics', containerPort: 9090 }],
        readinessProbe: { httpGet: { path: '/metrics-ready', port: 9090 } },
      },
    ],
  };
}

describe('member clusters against real apiservers', function () {
  this.timeout(180_000);
  const instanceId = randomUUID();
  const clusterName = uniqueName('mc');
  const registryNs = uniqueName('mc-reg');
  const otherRegistryNs = uniqueName('mc-reg-other');
  const appNs = uniqueName('mc-app');
  let bin: string;
  let registryKubeconfig: string;
  let memberKubeconfig: string;
  let memberServer: string;
  let regCore: CoreV1Api;
  let regCustom: CustomObjectsApi;
  let memberCore: CoreV1Api;
  let memberNet: NetworkingV1Api;
  let conn: ClusterConnection;
  let target: MemberTarget;
  let session: MemberClusterSession | undefined;
  const facts: MemberFact[] = [];

  const readSecret = async (namespace: string, name: string) => {
    try {
      return await regCore.readNamespacedSecret({ namespace, name });
    } catch (err) {
      if (apiStatusCode(err) === 404) return undefined;
      throw err;
    }
  };
  const readCluster = async (name: string) =>
    (await regCustom.getNamespacedCustomObject({ ...CLUSTER_API, namespace: registryNs, name })) as {
      metadata: { name: string; namespace: string };
      spec: unknown;
    };
  /** Resolves at the first fact matching `pred` emitted after this call. */
  const nextFact = (pred: (f: MemberFact) => boolean) =>
    firstValueFrom(session!.facts$.pipe(filter(pred), timeout(60_000)));

  before(async () => {
    const env = sharedEnv();
    bin = env.kubectlPath;
    const reg = env.clusters.find((c) => c.name === 'registry')!;
    const member = env.clusters.find((c) => c.name === 'member-1')!;
    registryKubeconfig = reg.kubeconfig;
    memberKubeconfig = member.kubeconfig;
    memberServer = member.server;
    const regKc = client(registryKubeconfig);
    regCore = regKc.makeApiClient(CoreV1Api);
    regCustom = regKc.makeApiClient(CustomObjectsApi);
    const memberKc = client(memberKubeconfig);
    memberCore = memberKc.makeApiClient(CoreV1Api);
    memberNet = memberKc.makeApiClient(NetworkingV1Api);
    const apps = memberKc.makeApiClient(AppsV1Api);

    await applyRegistryCrds(bin, registryKubeconfig);
    // Registered as users do: the plugin makes the controller's ServiceAccount in the member and
    // stores only its token and the CA beside the Cluster.
    await kubectlOk(bin, [
      'create',
      'cluster',
      clusterName,
      '--from-kubeconfig',
      memberKubeconfig,
      '-n',
      registryNs,
      '--kubeconfig',
      registryKubeconfig,
    ]);

    await memberCore.createNamespace({ body: { metadata: { name: appNs } } });
    await apps.createNamespacedDeployment({
      namespace: appNs,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: podSpec('/healthz') },
        },
      },
    });
    await memberCore.createNamespacedService({
      namespace: appNs,
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          ports: [
            { name: 'web', port: 80, targetPort: 'http' },
            { name: 'metrics', port: 9090, targetPort: 9090 },
          ],
        },
      },
    });
  });

  after(async () => {
    await session?.stop();
    for (const ns of [registryNs, otherRegistryNs]) {
      await kubectl(bin, [
        'delete',
        'namespace',
        ns,
        '--wait=false',
        '--ignore-not-found',
        '--kubeconfig',
        registryKubeconfig,
      ]);
    }
    await kubectl(bin, [
      'delete',
      'namespace',
      appNs,
      '--wait=false',
      '--ignore-not-found',
      '--kubeconfig',
      memberKubeconfig,
    ]);
  });

  describe('connecting', () => {
    it('connects from the Cluster with the stored ServiceAccount token, which may read Services but not Secrets', async () => {
      conn = await connectCluster(await readCluster(clusterName), readSecret, {
        controllerAddress: '127.0.0.1',
      });
      target = { cluster: clusterName, kubeConfig: conn.kubeConfig };
      expect(conn.server).to.equal(memberServer);
      expect(conn.credentials).to.equal('token');
      expect(await probeCluster(conn.kubeConfig)).to.deep.equal({ ok: true });
      const core = conn.kubeConfig.makeApiClient(CoreV1Api);
      let status: number | undefined;
      try {
        await core.listNamespacedSecret({ namespace: appNs });
      } catch (err) {
        status = apiStatusCode(err);
      }
      expect(status, 'listing Secrets as the controller').to.equal(403);
    });

    it('probes a rejected token as Unauthorized and a token without the member role as Forbidden', async () => {
      const ca = Buffer.from(conn.kubeConfig.getCurrentCluster()!.caData!, 'base64');
      const bogus = await probeCluster(tokenKubeConfig(memberServer, 'not-a-token', ca));
      expect(bogus.ok).to.equal(false);
      expect(bogus.ok === false && bogus.reason).to.equal('Unauthorized');
      await pollUntil(
        'the default ServiceAccount',
        async () =>
          (await memberCore.readNamespacedServiceAccount({ namespace: appNs, name: 'default' })) ?? undefined,
        30_000,
      );
      const weak = (
        await kubectlOk(bin, ['create', 'token', 'default', '-n', appNs, '--kubeconfig', memberKubeconfig])
      ).trim();
      const forbidden = await probeCluster(tokenKubeConfig(memberServer, weak, ca));
      expect(forbidden.ok === false && forbidden.reason).to.equal('Forbidden');
      expect(forbidden.ok === false && forbidden.message).to.include(memberServer);
    });

    it('refuses a Cluster whose credentials reference names a Secret in another namespace, even one that exists', async () => {
      await regCore.createNamespace({ body: { metadata: { name: otherRegistryNs } } });
      const stored = await readSecret(registryNs, `${clusterName}-credentials`);
      await regCore.createNamespacedSecret({
        namespace: otherRegistryNs,
        body: { metadata: { name: 'borrowed' }, data: stored!.data! },
      });
      const name = uniqueName('mc-borrow');
      await regCustom.createNamespacedCustomObject({
        ...CLUSTER_API,
        namespace: registryNs,
        body: {
          apiVersion: 'clusterregistry.k8s.io/v1alpha1',
          kind: 'Cluster',
          metadata: { name, namespace: registryNs },
          spec: {
            kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: memberServer }] },
            authInfo: { controller: { kind: 'Secret', name: 'borrowed', namespace: otherRegistryNs } },
          },
        },
      });
      let error: unknown;
      try {
        await connectCluster(await readCluster(name), readSecret);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ClusterConnectionError);
      expect((error as ClusterConnectionError).reason).to.equal('SecretOutsideNamespace');
      expect((error as Error).message).to.include(`${otherRegistryNs}/borrowed`);
    });
  });

  describe('facts and derived Services (neg mode)', () => {
    const derived = () => derivedServiceName(instanceId, appNs, 'web');

    before(() => {
      session = new MemberClusterSession({
        cluster: clusterName,
        instanceId,
        kubeConfig: conn.kubeConfig,
        nodeNetwork: { tags: [`gke-${clusterName}-node`] },
      });
      session.facts$.subscribe((f) => facts.push(f));
      session.setNeeds([{ namespace: appNs, ingress: 'front', services: ['web'], mode: 'neg' }]);
    });

    it('reads ports and probe paths matched through targetPort from the pending pods', async () => {
      const web = await pollUntil(
        'probe paths of Service web',
        async () => {
          const s = session!.facts(appNs).services?.web;
          return s?.readinessProbePaths?.http ? s : undefined;
        },
        60_000,
      );
      expect(web.ports).to.deep.equal([
        { name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP' },
      ]);
      expect(web.readinessProbePaths).to.deep.equal({ http: ['/healthz'], '9090': ['/metrics-ready'] });
      expect(web.targetPortNumbers).to.deep.equal({ http: [8080] });
      expect(session!.facts(appNs).reachable).to.equal(true);
      expect(session!.facts(appNs).nodeTags).to.deep.equal([`gke-${clusterName}-node`]);
      expect(
        facts.some((f) => f.kind === 'Service' && f.name === 'web' && f.cluster === clusterName),
      ).to.equal(true);
    });

    it('sees pods that disagree on the probe path, and says so on facts$', async () => {
      const changed = nextFact((f) => f.kind === 'Service' && f.name === 'web');
      await memberCore.createNamespacedPod({
        namespace: appNs,
        body: { metadata: { name: 'web-canary', labels: { app: 'web' } }, spec: podSpec('/v2/healthz') },
      });
      await changed;
      await pollUntil(
        'both probe paths',
        async () =>
          session!.facts(appNs).services?.web?.readinessProbePaths?.http?.length === 2 ? true : undefined,
        30_000,
      );
      expect(session!.facts(appNs).services?.web?.readinessProbePaths?.http).to.deep.equal([
        '/healthz',
        '/v2/healthz',
      ]);
      await memberCore.deleteNamespacedPod({ namespace: appNs, name: 'web-canary', gracePeriodSeconds: 0 });
    });

    it('ensures one derived Service, then makes no write when nothing changed', async () => {
      expect(
        await ensureDerivedService(target, {
          instanceId,
          namespace: appNs,
          service: 'web',
          ingress: 'front',
          ports: [80],
        }),
      ).to.deep.equal({
        outcome: 'created',
        namespace: appNs,
        name: derived(),
      });
      const stored = await memberCore.readNamespacedService({ namespace: appNs, name: derived() });
      expect(stored.spec?.type).to.equal('ClusterIP');
      expect(stored.spec?.selector).to.deep.equal({ app: 'web' });
      expect(stored.spec?.ports?.map((p) => [p.name, p.port, p.targetPort])).to.deep.equal([
        ['web', 80, 'http'],
        ['metrics', 9090, 9090],
      ]);
      expect(stored.metadata?.annotations?.['cloud.google.com/neg']).to.equal('{"exposed_ports":{"80":{}}}');
      expect(stored.metadata?.labels?.['app.kubernetes.io/managed-by']).to.equal('kubemci-controller');
      const again = await ensureDerivedService(target, {
        instanceId,
        namespace: appNs,
        service: 'web',
        ingress: 'front',
        ports: [80],
      });
      expect(again.outcome).to.equal('unchanged');
      const after = await memberCore.readNamespacedService({ namespace: appNs, name: derived() });
      expect(after.metadata?.resourceVersion).to.equal(stored.metadata?.resourceVersion);
    });

    it('reports the neg-status GKE writes on the derived Service in facts() and on facts$', async () => {
      const emitted = nextFact((f) => f.kind === 'Service' && f.name === derived());
      await memberCore.patchNamespacedService({
        namespace: appNs,
        name: derived(),
        body: [{ op: 'add', path: '/metadata/annotations/cloud.google.com~1neg-status', value: NEG_STATUS }],
      });
      expect(await emitted).to.deep.equal({
        cluster: clusterName,
        kind: 'Service',
        namespace: appNs,
        name: derived(),
      });
      expect(session!.facts(appNs).negStatus).to.deep.equal({
        [derived()]: {
          networkEndpointGroups: { '80': 'k8s1-0000-web-80' },
          zones: ['us-central1-a', 'us-central1-b'],
        },
      });
    });

    it('shares the derived Service between Ingresses and deletes it when the last one lets go', async () => {
      const admin = await ensureDerivedService(target, {
        instanceId,
        namespace: appNs,
        service: 'web',
        ingress: 'admin',
        ports: [9090],
      });
      expect(admin.outcome).to.equal('updated');
      let stored = await memberCore.readNamespacedService({ namespace: appNs, name: derived() });
      expect(stored.metadata?.annotations?.['cloud.google.com/neg']).to.equal(
        '{"exposed_ports":{"80":{},"9090":{}}}',
      );
      expect(
        stored.metadata?.annotations?.['cloud.google.com/neg-status'],
        'GKE’s annotation survives our update',
      ).to.equal(NEG_STATUS);
      expect(JSON.parse(stored.metadata!.annotations!['kubemci.io/owners']!)).to.deep.equal({
        admin: [9090],
        front: [80],
      });

      expect(
        (
          await releaseDerivedService(target, {
            instanceId,
            namespace: appNs,
            service: 'web',
            ingress: 'front',
          })
        ).outcome,
      ).to.equal('updated');
      stored = await memberCore.readNamespacedService({ namespace: appNs, name: derived() });
      expect(stored.metadata?.annotations?.['cloud.google.com/neg']).to.equal(
        '{"exposed_ports":{"9090":{}}}',
      );
      expect(
        (
          await releaseDerivedService(target, {
            instanceId,
            namespace: appNs,
            service: 'web',
            ingress: 'front',
          })
        ).outcome,
      ).to.equal('unchanged');
      expect(
        (
          await releaseDerivedService(target, {
            instanceId,
            namespace: appNs,
            service: 'web',
            ingress: 'admin',
          })
        ).outcome,
      ).to.equal('deleted');
      let status: number | undefined;
      try {
        await memberCore.readNamespacedService({ namespace: appNs, name: derived() });
      } catch (err) {
        status = apiStatusCode(err);
      }
      expect(status).to.equal(404);
    });

    it('collects derived Services whose Ingresses are gone', async () => {
      await ensureDerivedService(target, {
        instanceId,
        namespace: appNs,
        service: 'web',
        ingress: 'ghost',
        ports: [80],
      });
      await ensureDerivedService(target, {
        instanceId,
        namespace: appNs,
        service: 'web',
        ingress: 'live',
        ports: [80],
      });
      const first = await gcDerivedServices(target, {
        instanceId,
        isLive: (ns, ingress) => ns === appNs && ingress === 'live',
      });
      expect(first).to.deep.equal([{ outcome: 'updated', namespace: appNs, name: derived() }]);
      expect(
        await gcDerivedServices(target, {
          instanceId,
          isLive: (ns, ingress) => ns === appNs && ingress === 'live',
        }),
      ).to.deep.equal([]);
      const second = await gcDerivedServices(target, { instanceId, isLive: () => false });
      expect(second).to.deep.equal([{ outcome: 'deleted', namespace: appNs, name: derived() }]);
    });

    it('never touches a Service that is not ours, and says why', async () => {
      await memberCore.createNamespacedService({
        namespace: appNs,
        body: { metadata: { name: 'other' }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } },
      });
      const squatter = derivedServiceName(instanceId, appNs, 'other');
      const created = await memberCore.createNamespacedService({
        namespace: appNs,
        body: { metadata: { name: squatter }, spec: { selector: { app: 'squat' }, ports: [{ port: 80 }] } },
      });
      let error: unknown;
      try {
        await ensureDerivedService(target, {
          instanceId,
          namespace: appNs,
          service: 'other',
          ingress: 'front',
          ports: [80],
        });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(MemberObjectError);
      expect((error as MemberObjectError).problem).to.equal('NotOurs');
      expect((error as Error).message).to.match(
        new RegExp(`^cluster ${clusterName}: Service ${appNs}/${squatter} exists and is not`),
      );
      expect(
        (
          await releaseDerivedService(target, {
            instanceId,
            namespace: appNs,
            service: 'other',
            ingress: 'front',
          })
        ).outcome,
      ).to.equal('unchanged');
      expect(await gcDerivedServices(target, { instanceId, isLive: () => false })).to.deep.equal([]);
      const still = await memberCore.readNamespacedService({ namespace: appNs, name: squatter });
      expect(still.metadata?.resourceVersion).to.equal(created.metadata?.resourceVersion);
    });

    it('fails ensure for a user Service the member lacks, naming the cluster', async () => {
      let error: unknown;
      try {
        await ensureDerivedService(target, {
          instanceId,
          namespace: appNs,
          service: 'absent',
          ingress: 'front',
          ports: [80],
        });
      } catch (err) {
        error = err;
      }
      expect((error as MemberObjectError).problem).to.equal('ServiceMissing');
      expect((error as Error).message).to.include(
        `cluster ${clusterName}: Service ${appNs}/absent not found`,
      );
    });
  });

  describe('Ingress copies (instance-group mode)', () => {
    const original: V1Ingress = {
      metadata: { name: 'front', namespace: '', annotations: { 'kubernetes.io/ingress.class': 'kubemci' } },
      spec: {
        tls: [{ secretName: 'front-tls' }],
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
      },
    };
    const copyName = () => ingressCopyName(instanceId, appNs, 'front');

    before(() => {
      original.metadata!.namespace = appNs;
      session!.setNeeds([{ namespace: appNs, ingress: 'front', services: ['web'], mode: 'instance-group' }]);
    });

    it('copies the Ingress with class gce-multi-cluster and the marker, once', async () => {
      expect((await ensureIngressCopy(target, { instanceId, ingress: original })).outcome).to.equal(
        'created',
      );
      expect((await ensureIngressCopy(target, { instanceId, ingress: original })).outcome).to.equal(
        'unchanged',
      );
      const copy = await memberNet.readNamespacedIngress({ namespace: appNs, name: copyName() });
      expect(copy.metadata?.annotations?.['kubernetes.io/ingress.class']).to.equal('gce-multi-cluster');
      expect(copy.metadata?.annotations?.['kubemci.io/copy-of']).to.equal('front');
      expect(copy.spec?.tls).to.equal(undefined);
      expect(copy.spec?.defaultBackend?.service?.name).to.equal('web');
    });

    it('reports the instance groups ingress-gce writes on the copy', async () => {
      const emitted = nextFact((f) => f.kind === 'Ingress' && f.name === 'front');
      await memberNet.patchNamespacedIngress({
        namespace: appNs,
        name: copyName(),
        body: [
          { op: 'add', path: '/metadata/annotations/ingress.gcp.kubernetes.io~1instance-groups', value: IG },
        ],
      });
      expect(await emitted).to.deep.equal({
        cluster: clusterName,
        kind: 'Ingress',
        namespace: appNs,
        name: 'front',
      });
      expect(session!.facts(appNs, { ingress: 'front' }).instanceGroups).to.deep.equal([
        {
          name: 'k8s-ig--0001',
          zone: 'https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a',
        },
      ]);
      // Our update keeps ingress-gce's annotation.
      const changed = {
        ...original,
        spec: { ...original.spec, defaultBackend: { service: { name: 'web', port: { number: 9090 } } } },
      };
      expect((await ensureIngressCopy(target, { instanceId, ingress: changed })).outcome).to.equal('updated');
      const copy = await memberNet.readNamespacedIngress({ namespace: appNs, name: copyName() });
      expect(copy.metadata?.annotations?.['ingress.gcp.kubernetes.io/instance-groups']).to.equal(IG);
    });

    it('deletes the copy, and collects copies of Ingresses that are gone', async () => {
      expect(
        (await deleteIngressCopy(target, { instanceId, namespace: appNs, name: 'front' })).outcome,
      ).to.equal('deleted');
      expect(
        (await deleteIngressCopy(target, { instanceId, namespace: appNs, name: 'front' })).outcome,
      ).to.equal('unchanged');
      await ensureIngressCopy(target, { instanceId, ingress: original });
      expect(await gcIngressCopies(target, { instanceId, isLive: () => true })).to.deep.equal([]);
      expect(await gcIngressCopies(target, { instanceId, isLive: () => false })).to.deep.equal([
        { outcome: 'deleted', namespace: appNs, name: copyName() },
      ]);
    });
  });

  describe('a member that is down', () => {
    let hanging: Server;
    const sockets = new Set<Socket>();

    before(async () => {
      hanging = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    });

    async function connectTo(server: string): Promise<MemberTarget> {
      const name = uniqueName('mc-down');
      await regCustom.createNamespacedCustomObject({
        ...CLUSTER_API,
        namespace: registryNs,
        body: {
          apiVersion: 'clusterregistry.k8s.io/v1alpha1',
          kind: 'Cluster',
          metadata: { name, namespace: registryNs },
          spec: {
            kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: server }] },
            authInfo: { controller: { kind: 'Secret', name: `${clusterName}-credentials` } },
          },
        },
      });
      const c = await connectCluster(await readCluster(name), readSecret);
      return { cluster: name, kubeConfig: c.kubeConfig };
    }

    it('fails only its own call, quickly, with an error naming the cluster', async () => {
      const down = await connectTo(`127.0.0.1:${await freePort()}`);
      let error: unknown;
      try {
        await ensureDerivedService(down, {
          instanceId,
          namespace: appNs,
          service: 'web',
          ingress: 'front',
          ports: [80],
        });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(MemberCallError);
      expect((error as Error).message).to.match(
        new RegExp(`^cluster ${down.cluster}: cannot get Service ${appNs}/web: .*ECONNREFUSED`),
      );
      const probe = await probeCluster(down.kubeConfig);
      expect(probe.ok === false && probe.reason).to.equal('Unreachable');
      // The healthy member still answers.
      expect(await probeCluster(conn.kubeConfig)).to.deep.equal({ ok: true });
    });

    it('gives up at the deadline when the member accepts connections and never answers', async () => {
      const address = hanging.address() as { port: number };
      const stuck = await connectTo(`127.0.0.1:${address.port}`);
      const started = Date.now();
      let error: unknown;
      try {
        await deleteIngressCopy(stuck, { instanceId, namespace: appNs, name: 'front' }, { deadlineMs: 500 });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(MemberCallError);
      expect((error as Error).message).to.match(
        new RegExp(`^cluster ${stuck.cluster}: cannot get Ingress .*deadline`),
      );
      expect(Date.now() - started).to.be.below(10_000);
      const probe = await probeCluster(stuck.kubeConfig, { timeoutMs: 300 });
      expect(probe.ok === false && probe.reason).to.equal('Unreachable');
    });
  });
});

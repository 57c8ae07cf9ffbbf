import type { V1Ingress, V1Secret } from '@kubernetes/client-node';
import { expect } from 'chai';
import type { Output } from '../../../src/cli/mci/io.ts';
import type { MemberReadRequest, MemberReading } from '../../../src/cli/mci/member-snapshot.ts';
import type { PlanCommand } from '../../../src/cli/mci/options.ts';
import { runPlan, toSecretData } from '../../../src/cli/mci/plan.ts';
import type { Registry } from '../../../src/cli/mci/registry.ts';
import { makeStyle } from '../../../src/cli/mci/terminal.ts';
import { PermissionDeniedError, type GceClient } from '../../../src/gce/index.ts';
import type { ObservedResource } from '../../../src/model/gce.ts';
import { derivedServiceName } from '../../../src/naming/gce-names.ts';
import { ownershipDescription } from '../../../src/naming/ownership.ts';
import type { ClusterObject } from '../../../src/pipeline/types.ts';
import { NOW, cluster, ingress } from './fixtures.ts';

const INSTANCE = 'kube-system-uid';

function registryWith(objects: { ingresses: V1Ingress[]; clusters: ClusterObject[]; secrets?: V1Secret[] }) {
  return {
    endpoint: { role: 'registry', server: 'https://registry.test' },
    getIngress: async (ns: string, name: string) =>
      objects.ingresses.find((i) => i.metadata?.namespace === ns && i.metadata?.name === name),
    listClusters: async (ns: string) => objects.clusters.filter((c) => c.metadata?.namespace === ns),
    getSecret: async (ns: string, name: string) =>
      objects.secrets?.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
    namespaceUid: async (name: string) => (name === 'kube-system' ? INSTANCE : undefined),
  } as unknown as Registry;
}

/** A GCE that has `resources` and refuses any write; `observeError` makes every list fail. */
function gceWith(resources: ObservedResource[], observeError?: Error) {
  const asked: string[] = [];
  const gce = {
    project: 'my-project',
    observe: async (_kinds: unknown, opts?: { refresh?: boolean }) => {
      asked.push(`observe refresh=${opts?.refresh}`);
      if (observeError) throw observeError;
      return resources;
    },
    get: async () => undefined,
    refresh: () => undefined,
  } as unknown as GceClient;
  return { gce, asked };
}

const facts = {
  reachable: true,
  services: {
    web: { ports: [{ port: 80, targetPort: 8080 }], readinessProbePaths: { '8080': ['/healthz'] } },
  },
  negStatus: {
    [derivedServiceName(INSTANCE, 'app', 'web')]: {
      networkEndpointGroups: { '80': 'neg-web' },
      zones: ['us-east1-b'],
    },
  },
  nodeTags: ['node'],
};

function run(
  cmd: Partial<PlanCommand>,
  registry: Registry,
  gce: GceClient,
  readings: (r: MemberReadRequest) => MemberReading[],
) {
  const lines: string[] = [];
  const requests: MemberReadRequest[] = [];
  let gceMade = 0;
  const out: Output = {
    stdout: (t) => lines.push(t),
    stderr: (t) => lines.push(`stderr: ${t}`),
    style: makeStyle(false),
    now: () => NOW,
  };
  const full: PlanCommand = {
    kind: 'plan',
    registry: { source: {} },
    name: 'shop',
    output: 'table',
    gce: { project: 'my-project', credentials: { source: 'access-token-file', path: '/t' } },
    inventoryNamespaces: ['kube-multicluster-public'],
    maxRatePerEndpoint: 100,
    timeoutMs: 1000,
    all: false,
    exitCode: false,
    ...cmd,
  };
  const code = runPlan(full, registry, 'app', out, {
    makeGce: () => {
      gceMade++;
      return gce;
    },
    readMembers: async (r) => {
      requests.push(r);
      return readings(r);
    },
  });
  return { code, text: () => lines.join(''), requests, gceMade: () => gceMade };
}

describe('kubectl mci plan: from live state to a dry run', () => {
  const clusters = [cluster('a'), cluster('b', { enabled: false })];

  it('reads the selected members for the services the Ingress needs, then plans against a fresh observation', async () => {
    const { gce, asked } = gceWith([]);
    const r = run(
      { exitCode: true },
      registryWith({ ingresses: [ingress('app', 'shop')], clusters }),
      gce,
      () => [{ cluster: 'a', facts }],
    );
    expect(await r.code).to.equal(1);
    expect(r.requests).to.have.length(1);
    const req = r.requests[0]!;
    expect(req.clusters.map((c) => c.metadata?.name)).to.deep.equal(['a']);
    expect(req).to.deep.include({
      need: { namespace: 'app', ingress: 'shop', services: ['web'], mode: 'neg' },
      instanceId: INSTANCE,
    });
    expect(asked).to.deep.equal(['observe refresh=true']);
    expect(r.text()).to.include('Selected clusters: a\n');
    expect(r.text()).to.match(/\+ create backendServices\/mci2-bs-app-shop-web-80-\w+\n/);
    expect(r.text()).to.not.include('Cluster problems');
  });

  it('exits 0 without --exit-code when there are changes, and 1 when a member could not be read from here', async () => {
    const { gce } = gceWith([]);
    const registry = registryWith({ ingresses: [ingress('app', 'shop')], clusters });
    expect(await run({}, registry, gce, () => [{ cluster: 'a', facts }]).code).to.equal(0);
    const r = run({}, registry, gce, () => [
      { cluster: 'a', failure: { kind: 'no-access', message: 'cannot read credentials Secret' } },
    ]);
    expect(await r.code).to.equal(1);
    expect(r.text()).to.include('Members that could not be read:\n  cannot read credentials Secret\n');
    expect(r.text()).to.include(
      'Cluster problems (their backends are left out):\n  cluster a: nothing is known',
    );
  });

  it('makes no GCE call when the Ingress cannot be translated, as the controller', async () => {
    const { gce } = gceWith([]);
    const shop = ingress('app', 'shop');
    (shop.spec as { tls?: unknown }).tls = [{ secretName: 'opaque' }];
    const registry = registryWith({
      ingresses: [shop],
      clusters,
      // Not a TLS Secret: the controller never sees it, so it counts as missing.
      secrets: [
        { metadata: { namespace: 'app', name: 'opaque' }, type: 'Opaque', data: { 'tls.crt': 'eA==' } },
      ],
    });
    const r = run({}, registry, gce, () => [{ cluster: 'a', facts }]);
    expect(await r.code).to.equal(1);
    expect(r.gceMade()).to.equal(0);
    expect(r.text()).to.match(
      /The Ingress cannot be translated; the controller reports it and changes nothing in GCE:\n {2}.*opaque/,
    );
  });

  it('plans the teardown of an Ingress being deleted that still holds our finalizer', async () => {
    const shop = ingress('app', 'shop');
    Object.assign(shop.metadata!, { deletionTimestamp: new Date(0), finalizers: ['kubemci.io/cleanup'] });
    const mine: ObservedResource = {
      kind: 'urlMaps',
      name: 'mci2-um-app-shop-x',
      body: {
        name: 'mci2-um-app-shop-x',
        description: ownershipDescription({ instanceId: INSTANCE, namespace: 'app', name: 'shop' }),
      },
    };
    const r = run({}, registryWith({ ingresses: [shop], clusters }), gceWith([mine]).gce, () => []);
    expect(await r.code).to.equal(0);
    expect(r.requests).to.deep.equal([]);
    expect(r.text()).to.include(
      'The controller would delete its load balancer: the Ingress is being deleted\n',
    );
    expect(r.text()).to.include('- delete urlMaps/mci2-um-app-shop-x\n');
  });

  it('says which GCE permission is missing when a read is refused', async () => {
    const denied = new PermissionDeniedError(
      "compute.urlMaps.list: 403 forbidden: Required 'compute.urlMaps.list' permission for 'projects/my-project'",
      { method: 'compute.urlMaps.list', status: 403, reason: 'forbidden' },
    );
    const r = run(
      {},
      registryWith({ ingresses: [ingress('app', 'shop')], clusters }),
      gceWith([], denied).gce,
      () => [{ cluster: 'a', facts }],
    );
    let message = '';
    await r.code.catch((err: Error) => (message = err.message));
    expect(message).to.equal(
      "GCE refused compute.urlMaps.list in project my-project (compute.urlMaps.list: 403 forbidden: Required 'compute.urlMaps.list' permission for 'projects/my-project'): " +
        'the credentials (access token file /t) need the compute.urlMaps.list permission, e.g. through roles/compute.viewer',
    );
  });

  it('reads TLS Secrets only, decoded', () => {
    expect(
      toSecretData({ type: 'kubernetes.io/tls', data: { 'tls.crt': Buffer.from('PEM').toString('base64') } }),
    ).to.deep.equal({
      'tls.crt': 'PEM',
    });
    expect(toSecretData({ type: 'Opaque', data: {} })).to.equal(undefined);
    expect(toSecretData(undefined)).to.equal(undefined);
  });
});

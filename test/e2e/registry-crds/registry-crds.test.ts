import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { parse } from 'yaml';
import { sharedEnv } from '../setup.ts';
import { REPO, applyRegistryCrds, kubectl, kubectlOk, uniqueName } from '../../harness/kubectl.ts';

const API = { group: 'clusterregistry.k8s.io', version: 'v1alpha1', plural: 'clusters' };
const CA_DATA = readFileSync(join(REPO, 'test/unit/create-cluster/fixtures/ca.crt')).toString('base64');

describe('registry-crds on a real apiserver', function () {
  this.timeout(120_000);
  let bin: string;
  let kubeconfig: string;
  let ns: string;
  const k = (...args: string[]) => kubectl(bin, [...args, '--kubeconfig', kubeconfig]);
  const apply = (obj: object) => kubectl(bin, ['apply', '-f', '-', '--kubeconfig', kubeconfig], { input: JSON.stringify(obj) });

  function cluster(name: string, spec: object): object {
    return { apiVersion: 'clusterregistry.k8s.io/v1alpha1', kind: 'Cluster', metadata: { name, namespace: ns }, spec };
  }

  before(async () => {
    const env = sharedEnv();
    bin = env.kubectlPath;
    kubeconfig = env.clusters.find((c) => c.name === 'registry')!.kubeconfig;
    await applyRegistryCrds(bin, kubeconfig);
    ns = uniqueName('crds');
    await kubectlOk(bin, ['create', 'namespace', ns, '--kubeconfig', kubeconfig]);
  });

  after(async () => {
    if (ns) await k('delete', 'namespace', ns, '--wait=false');
  });

  it('is Established, with the unapproved-API condition the .k8s.io group implies', async () => {
    const crd = JSON.parse(await kubectlOk(bin, ['get', 'crd', 'clusters.clusterregistry.k8s.io', '-o', 'json', '--kubeconfig', kubeconfig])) as {
      status: { conditions: { type: string; status: string; reason: string }[] };
    };
    const condition = (type: string) => crd.status.conditions.find((c) => c.type === type);
    expect(condition('Established')?.status).to.equal('True');
    expect(condition('KubernetesAPIApprovalPolicyConformant')).to.include({ status: 'False', reason: 'UnapprovedAnnotation' });
  });

  it('round-trips a Cluster with every field of the v1alpha1 API', async () => {
    const spec = {
      kubernetesApiEndpoints: {
        serverEndpoints: [
          { clientCIDR: '10.0.0.0/8', serverAddress: '10.1.2.3:6443' },
          { clientCIDR: '0.0.0.0/0', serverAddress: 'https://api.example.com' },
        ],
        caBundle: CA_DATA,
      },
      authInfo: {
        user: { kind: 'ConfigMap', name: 'how-users-log-in', namespace: 'docs' },
        controller: { kind: 'Secret', name: 'full-credentials', namespace: ns },
      },
    };
    const applied = await apply(cluster('full', spec));
    expect(applied.stderr).to.equal('');
    expect(applied.code).to.equal(0);
    const status = {
      conditions: [
        {
          type: 'OK',
          status: 'True',
          lastHeartbeatTime: '2026-01-02T03:04:05Z',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          reason: 'Reachable',
          message: 'the member API answered',
        },
      ],
    };
    const patched = await k('patch', 'clusters.clusterregistry.k8s.io', 'full', '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status }));
    expect(patched.code, patched.stderr).to.equal(0);

    const got = JSON.parse(await kubectlOk(bin, ['get', 'clusters.clusterregistry.k8s.io', 'full', '-n', ns, '-o', 'json', '--kubeconfig', kubeconfig])) as {
      spec: unknown;
      status: unknown;
    };
    expect(got.spec).to.deep.equal(spec);
    expect(got.status).to.deep.equal(status);

    const table = await kubectlOk(bin, ['get', 'clusters.clusterregistry.k8s.io', '-n', ns, '--kubeconfig', kubeconfig]);
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s+/)).to.deep.equal(['NAME', 'SERVER', 'OK', 'AGE']);
    // A CRD printer column shows the first match of its JSONPath: the first endpoint.
    expect(row).to.match(/^full\s+10\.1\.2\.3:6443\s+True\s+\d+s$/);
  });

  it('ignores status in a create, since status is a subresource', async () => {
    const body = { ...cluster('with-status', {}), status: { conditions: [{ type: 'OK', status: 'True' }] } };
    expect((await apply(body)).code).to.equal(0);
    const got = JSON.parse(await kubectlOk(bin, ['get', 'clusters.clusterregistry.k8s.io', 'with-status', '-n', ns, '-o', 'json', '--kubeconfig', kubeconfig])) as {
      status?: unknown;
    };
    expect(got.status).to.equal(undefined);
  });

  it('rejects a caBundle that is not base64', async () => {
    const r = await apply(cluster('bad-ca', { kubernetesApiEndpoints: { caBundle: 'not base64!' } }));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('spec.kubernetesApiEndpoints.caBundle');
    expect((await k('get', 'clusters.clusterregistry.k8s.io', 'bad-ca', '-n', ns)).code).to.not.equal(0);
  });

  it('rejects a condition without type written through /status with 422', async () => {
    expect((await apply(cluster('no-type', {}))).code).to.equal(0);
    const patch = JSON.stringify({ status: { conditions: [{ status: 'True' }] } });
    const r = await k('patch', 'clusters.clusterregistry.k8s.io', 'no-type', '-n', ns, '--subresource=status', '--type=merge', '-p', patch);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include('status.conditions[0].type: Required value');

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const current = (await custom.getNamespacedCustomObject({ ...API, namespace: ns, name: 'no-type' })) as Record<string, unknown>;
    try {
      await custom.replaceNamespacedCustomObjectStatus({
        ...API,
        namespace: ns,
        name: 'no-type',
        body: { ...current, status: { conditions: [{ status: 'True' }] } },
      });
      expect.fail('the apiserver accepted a condition without type');
    } catch (err) {
      expect(err).to.be.instanceOf(ApiException);
      expect((err as ApiException<unknown>).code).to.equal(422);
    }
  });

  it('ships the kubemci IngressClass and an example Cluster the apiserver accepts', async () => {
    expect(await kubectlOk(bin, ['get', 'ingressclass', 'kubemci', '-o', 'jsonpath={.spec.controller}', '--kubeconfig', kubeconfig])).to.equal(
      'kubemci.io/ingress-controller',
    );
    const example = parse(readFileSync(join(REPO, 'registry-crds/examples/us-east.yaml'), 'utf8')) as { metadata: { namespace: string } };
    example.metadata.namespace = ns;
    expect((await apply(example)).code).to.equal(0);
    const got = JSON.parse(await kubectlOk(bin, ['get', 'clusters.clusterregistry.k8s.io', 'us-east', '-n', ns, '-o', 'json', '--kubeconfig', kubeconfig])) as {
      spec: unknown;
      metadata: { labels: Record<string, string> };
    };
    expect(got.spec).to.deep.equal((example as unknown as { spec: unknown }).spec);
    expect(got.metadata.labels).to.deep.equal({ region: 'us', 'kubemci.io/enabled': 'true' });
  });
});

import { expect } from 'chai';
import { CreateClusterError } from '../../../src/cli/create-cluster/errors.ts';
import { toCluster, type ClusterManifest } from '../../../src/cli/create-cluster/manifests.ts';
import { MEMBER_RULES } from '../../../src/cli/create-cluster/member-rbac.ts';
import { registerCluster, type CredentialsSource } from '../../../src/cli/create-cluster/register-cluster.ts';
import { FakeCluster, virtualClock } from './fake-kube.ts';

const NS = 'kube-multicluster-public';
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');

function cluster(name = 'us-east', secret?: string): ClusterManifest {
  return toCluster({
    name,
    namespace: NS,
    labels: { region: 'us' },
    serverAddress: 'https://member.invalid:6443',
    caPem: CA,
    ...(secret ? { credentialsSecret: secret } : {}),
  });
}

function memberToken(member: FakeCluster, probe = new FakeCluster('member')): CredentialsSource {
  return { kind: 'member-token', member, probe: () => probe.core, caPem: CA };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('registerCluster', () => {
  let registry: FakeCluster;
  let member: FakeCluster;
  const deps = () => ({ registry, clock: virtualClock(), tokenTimeoutMs: 30_000 });

  beforeEach(() => {
    registry = new FakeCluster('registry');
    member = new FakeCluster('member');
  });

  it('creates the member access, the credentials Secret owned by the Cluster, and the Cluster', async () => {
    const created = await registerCluster(
      cluster('us-east', 'us-east-credentials'),
      memberToken(member),
      deps(),
    );

    expect(created.metadata.uid).to.be.a('string');
    expect(registry.keys()).to.deep.equal([
      'clusters/kube-multicluster-public/us-east',
      'namespaces//default',
      `namespaces//${NS}`,
      'secrets/kube-multicluster-public/us-east-credentials',
    ]);
    const secret = registry.get('secrets', NS, 'us-east-credentials') as {
      data: Record<string, string>;
      metadata: { ownerReferences: { kind: string; name: string; uid: string }[] };
    };
    expect(Buffer.from(secret.data.token as string, 'base64').toString()).to.equal(
      'token-of-kubemci-controller-token',
    );
    expect(Buffer.from(secret.data['ca.crt'] as string, 'base64').equals(CA)).to.equal(true);
    expect(secret.metadata.ownerReferences).to.deep.equal([
      {
        apiVersion: 'clusterregistry.k8s.io/v1alpha1',
        kind: 'Cluster',
        name: 'us-east',
        uid: created.metadata.uid,
      },
    ]);
    expect(member.keys()).to.deep.equal([
      'clusterrolebindings//kubemci-controller',
      'clusterroles//kubemci-member',
      'namespaces//default',
      'namespaces//kubemci-system',
      'secrets/kubemci-system/kubemci-controller-token',
      'serviceaccounts/kubemci-system/kubemci-controller',
    ]);
  });

  it('reuses member objects that exist and repairs a role with other rules', async () => {
    await registerCluster(cluster('a', 'a-credentials'), memberToken(member), deps());
    const role = member.get('clusterroles', '', 'kubemci-member') as { rules: unknown[] };
    role.rules = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];

    await registerCluster(cluster('b', 'b-credentials'), memberToken(member), deps());

    expect((member.get('clusterroles', '', 'kubemci-member') as { rules: unknown[] }).rules).to.deep.equal(
      MEMBER_RULES,
    );
    expect(member.log.filter((l) => l.startsWith('create'))).to.have.length(5);
    const a = registry.get('secrets', NS, 'a-credentials') as { data: { token: string } };
    const b = registry.get('secrets', NS, 'b-credentials') as { data: { token: string } };
    expect(b.data.token).to.equal(a.data.token);
  });

  it('waits for the token controller, polling with a growing delay', async () => {
    member.tokenDelayReads = 3;
    const d = deps();
    await registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), d);
    expect((d.clock as ReturnType<typeof virtualClock>).slept).to.deep.equal([100, 200, 400, 800]);
  });

  it('gives up on a token that never comes, and removes everything it created', async () => {
    member.tokenDelayReads = Infinity;
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );
    expect(err).to.be.instanceOf(CreateClusterError);
    expect(err.message).to.match(/got no token within 30 s: does the member's kube-controller-manager run/);
    expect(member.keys()).to.deep.equal(['namespaces//default']);
    expect(registry.keys()).to.deep.equal(['namespaces//default']);
  });

  it('removes the Secret it created when the Cluster cannot be created', async () => {
    registry.put('namespaces', '', { metadata: { name: NS } });
    registry.failures.set('create clusters', 403);
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );

    expect(err.message).to.equal(
      'registry: cannot create cluster.clusterregistry.k8s.io kube-multicluster-public/us-east: clusters "us-east" is forbidden: injected create failure',
    );
    expect(registry.log).to.include('create secrets kube-multicluster-public/us-east-credentials');
    expect(registry.keys()).to.deep.equal(['namespaces//default', `namespaces//${NS}`]);
    expect(member.keys()).to.deep.equal(['namespaces//default']);
  });

  it('keeps member objects it did not create when it rolls back', async () => {
    await registerCluster(cluster('a', 'a-credentials'), memberToken(member), deps());
    registry.failures.set('create clusters', 500);
    await failure(registerCluster(cluster('b', 'b-credentials'), memberToken(member), deps()));
    expect(member.get('serviceaccounts', 'kubemci-system', 'kubemci-controller')).to.not.equal(undefined);
    expect(member.get('secrets', 'kubemci-system', 'kubemci-controller-token')).to.not.equal(undefined);
    expect(registry.get('secrets', NS, 'b-credentials')).to.equal(undefined);
  });

  it('names what it could not remove', async () => {
    registry.failures.set('create clusters', 403);
    registry.failures.set('delete secrets', 500);
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );
    expect(err.message).to.match(
      /; could not remove what this run created: registry secret kube-multicluster-public\/us-east-credentials: .*injected delete failure/,
    );
    expect(err.message).to.not.include('\n');
  });

  it('refuses a Cluster that exists before touching the member', async () => {
    registry.put('namespaces', '', { metadata: { name: NS } });
    registry.put('clusters', NS, { metadata: { name: 'us-east' } });
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );
    expect(err.message).to.equal(
      'clusters.clusterregistry.k8s.io "us-east" already exists in namespace "kube-multicluster-public" of the registry',
    );
    expect(member.log).to.deep.equal([]);
  });

  it('says when the registry does not serve the Cluster API', async () => {
    registry.servesClusters = false;
    const err = await failure(registerCluster(cluster(), { kind: 'none' }, deps()));
    expect(err.message).to.match(
      /does not serve clusters\.clusterregistry\.k8s\.io\/v1alpha1: apply registry-crds\//,
    );
  });

  it('refuses to overwrite a credentials Secret it did not make', async () => {
    registry.put('namespaces', '', { metadata: { name: NS } });
    registry.put('secrets', NS, { metadata: { name: 'us-east-credentials' } });
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );
    expect(err.message).to.match(/secret "us-east-credentials" already exists/);
    expect(member.log).to.deep.equal([]);
  });

  it('requires an existing --credentials-secret, and references it', async () => {
    const err = await failure(
      registerCluster(cluster('x', 'mine'), { kind: 'existing-secret', name: 'mine' }, deps()),
    );
    expect(err.message).to.match(
      /secret "mine" \(--credentials-secret\) not found in namespace "kube-multicluster-public"/,
    );
    expect(registry.keys()).to.deep.equal(['namespaces//default']);

    registry.put('namespaces', '', { metadata: { name: NS } });
    registry.put('secrets', NS, { metadata: { name: 'mine' } });
    const created = await registerCluster(
      cluster('x', 'mine'),
      { kind: 'existing-secret', name: 'mine' },
      deps(),
    );
    expect(created.spec.authInfo).to.deep.equal({ controller: { kind: 'Secret', name: 'mine' } });
  });

  it('retries a token the member does not accept yet, then gives up', async () => {
    const probe = new FakeCluster('member');
    probe.failures.set('list services', 401);
    const d = deps();
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member, probe), d),
    );
    expect(err.message).to.match(/^member: cannot list services with the new token .*Unauthorized/);
    expect(probe.log.length).to.be.greaterThan(5);
    expect(member.keys()).to.deep.equal(['namespaces//default']);
  });

  it('refuses a binding of the same name to another role', async () => {
    member.put('clusterrolebindings', '', {
      metadata: { name: 'kubemci-controller' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    });
    const err = await failure(
      registerCluster(cluster('us-east', 'us-east-credentials'), memberToken(member), deps()),
    );
    expect(err.message).to.match(/binds ClusterRole cluster-admin, not ClusterRole kubemci-member/);
    expect(member.keys()).to.deep.equal(['clusterrolebindings//kubemci-controller', 'namespaces//default']);
  });
});

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import {
  clusterOwnerReference,
  toCluster,
  toCredentialsSecret,
} from '../../../src/cli/create-cluster/manifests.ts';
import {
  MEMBER_RULES,
  hasMemberRules,
  memberClusterRole,
  memberClusterRoleBinding,
  memberNamespace,
  memberServiceAccount,
  memberTokenSecret,
} from '../../../src/cli/create-cluster/member-rbac.ts';

const root = new URL('../../../', import.meta.url);
const load = (path: string): unknown => parse(readFileSync(new URL(path, root), 'utf8'));
const loadAll = (path: string): unknown[] =>
  parseAllDocuments(readFileSync(new URL(path, root), 'utf8')).map((d) => d.toJS());
const CA = readFileSync(new URL('fixtures/ca.crt', import.meta.url));

type Schema = {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
};

/** The paths in `value` that `schema` does not declare, or declares with another type. */
function schemaProblems(value: unknown, schema: Schema, path = ''): string[] {
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type && schema.type !== type) return [`${path}: ${type}, schema says ${schema.type}`];
  if (schema.format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value as string))
    return [`${path}: not base64`];
  if (Array.isArray(value))
    return value.flatMap((v, i) => schemaProblems(v, schema.items ?? {}, `${path}[${i}]`));
  if (type !== 'object' || !schema.properties || path === '.metadata') return [];
  const obj = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((k) => !(k in obj)).map((k) => `${path}.${k}: required`);
  return [
    ...missing,
    ...Object.entries(obj).flatMap(([k, v]) => {
      const sub = schema.properties?.[k];
      return sub
        ? schemaProblems(v, sub, `${path}.${k}`)
        : [`${path}.${k}: not in the schema (would be pruned)`];
    }),
  ];
}

describe('registry-crds', () => {
  const crd = load('registry-crds/cluster-crd.yaml') as {
    apiVersion: string;
    metadata: { name: string; annotations: Record<string, string> };
    spec: {
      group: string;
      scope: string;
      names: Record<string, string>;
      versions: {
        name: string;
        served: boolean;
        storage: boolean;
        subresources: unknown;
        additionalPrinterColumns: { name: string; jsonPath: string }[];
        schema: { openAPIV3Schema: Schema };
      }[];
    };
  };
  const version = crd.spec.versions[0]!;
  const schema = version.schema.openAPIV3Schema;

  it('is the v1alpha1 Cluster as an apiextensions v1 CRD in the protected group', () => {
    expect(crd.apiVersion).to.equal('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).to.equal('clusters.clusterregistry.k8s.io');
    expect(crd.metadata.annotations['api-approved.kubernetes.io']).to.match(/^unapproved, /);
    expect(crd.spec.group).to.equal('clusterregistry.k8s.io');
    expect(crd.spec.scope).to.equal('Namespaced');
    expect(crd.spec.names).to.deep.equal({
      kind: 'Cluster',
      listKind: 'ClusterList',
      plural: 'clusters',
      singular: 'cluster',
    });
    expect(crd.spec.versions).to.have.length(1);
    expect(version).to.include({ name: 'v1alpha1', served: true, storage: true });
    expect(version.subresources).to.deep.equal({ status: {} });
    expect(version.additionalPrinterColumns.map((c) => c.name)).to.deep.equal(['Server', 'OK', 'Age']);
  });

  it('declares every field of the archived API with its type', () => {
    const at = (path: string): Schema => {
      let s: Schema | undefined = schema;
      for (const part of path.split('.')) s = part === '[]' ? s?.items : s?.properties?.[part];
      if (!s) throw new Error(`no ${path} in the schema`);
      return s;
    };
    const fields: [string, string, string?][] = [
      ['spec.kubernetesApiEndpoints.serverEndpoints', 'array'],
      ['spec.kubernetesApiEndpoints.serverEndpoints.[].clientCIDR', 'string'],
      ['spec.kubernetesApiEndpoints.serverEndpoints.[].serverAddress', 'string'],
      ['spec.kubernetesApiEndpoints.caBundle', 'string', 'byte'],
      ...(['user', 'controller'] as const).flatMap((who) =>
        ['kind', 'name', 'namespace'].map((f): [string, string] => [`spec.authInfo.${who}.${f}`, 'string']),
      ),
      ['status.conditions.[].type', 'string'],
      ['status.conditions.[].status', 'string'],
      ['status.conditions.[].lastHeartbeatTime', 'string', 'date-time'],
      ['status.conditions.[].lastTransitionTime', 'string', 'date-time'],
      ['status.conditions.[].reason', 'string'],
      ['status.conditions.[].message', 'string'],
    ];
    for (const [path, type, format] of fields) {
      expect(at(path).type, path).to.equal(type);
      expect(at(path).format, path).to.equal(format);
    }
    expect(schema.type).to.equal('object');
    expect(at('status.conditions.[]').required).to.deep.equal(['type', 'status']);
  });

  it('ships the kubemci IngressClass', () => {
    expect(load('registry-crds/ingressclass.yaml')).to.deep.include({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      spec: { controller: 'kubemci.io/ingress-controller' },
    });
  });

  it('has an example Cluster that the schema keeps whole', () => {
    const example = load('registry-crds/examples/us-east.yaml');
    expect(schemaProblems(example, schema)).to.deep.equal([]);
  });

  it('keeps every field of the Clusters this command writes', () => {
    const written = toCluster({
      name: 'us-east',
      namespace: 'ns',
      labels: { region: 'us' },
      serverAddress: 'https://10.0.0.1:6443',
      clientCidr: '10.0.0.0/8',
      caPem: CA,
      credentialsSecret: 'us-east-credentials',
    });
    expect(schemaProblems(written, schema)).to.deep.equal([]);
  });
});

describe('registry manifests', () => {
  it('builds the Cluster with endpoint, CA, credential reference and labels', () => {
    expect(
      toCluster({
        name: 'us-east',
        namespace: 'kube-multicluster-public',
        labels: { region: 'us', 'kubemci.io/enabled': 'true' },
        serverAddress: 'https://10.0.0.1:6443',
        caPem: Buffer.from('PEM'),
        credentialsSecret: 'us-east-credentials',
      }),
    ).to.deep.equal({
      apiVersion: 'clusterregistry.k8s.io/v1alpha1',
      kind: 'Cluster',
      metadata: {
        name: 'us-east',
        namespace: 'kube-multicluster-public',
        labels: { region: 'us', 'kubemci.io/enabled': 'true' },
      },
      spec: {
        kubernetesApiEndpoints: {
          serverEndpoints: [{ serverAddress: 'https://10.0.0.1:6443' }],
          caBundle: 'UEVN',
        },
        authInfo: { controller: { kind: 'Secret', name: 'us-east-credentials' } },
      },
    });
  });

  it('leaves out what was not given', () => {
    const c = toCluster({ name: 'a', namespace: 'n', labels: {}, serverAddress: 'https://h' });
    expect(c.metadata).to.deep.equal({ name: 'a', namespace: 'n' });
    expect(c.spec).to.deep.equal({
      kubernetesApiEndpoints: { serverEndpoints: [{ serverAddress: 'https://h' }] },
    });
  });

  it('builds the credentials Secret with token and ca.crt, and the owner reference to the Cluster', () => {
    const s = toCredentialsSecret({
      clusterName: 'a',
      namespace: 'n',
      token: 'tok',
      caPem: Buffer.from('PEM'),
    });
    expect(s.metadata?.name).to.equal('a-credentials');
    expect(s.metadata?.labels?.['kubemci.io/cluster']).to.equal('a');
    expect(s.data).to.deep.equal({ token: 'dG9r', 'ca.crt': 'UEVN' });
    const c = toCluster({ name: 'a', namespace: 'n', labels: {}, serverAddress: 'https://h' });
    expect(() => clusterOwnerReference(c)).to.throw(TypeError);
    c.metadata.uid = 'u1';
    expect(clusterOwnerReference(c)).to.deep.equal({
      apiVersion: 'clusterregistry.k8s.io/v1alpha1',
      kind: 'Cluster',
      name: 'a',
      uid: 'u1',
    });
  });
});

describe('member access objects', () => {
  it('are the objects of config/member/', () => {
    expect(load('config/member/clusterrole.yaml')).to.deep.equal(memberClusterRole());
    expect(loadAll('config/member/controller-access.yaml')).to.deep.equal([
      memberNamespace(),
      memberServiceAccount(),
      memberClusterRoleBinding(),
      memberTokenSecret(),
    ]);
  });

  it('let the controller read and derive Services and copy Ingresses, but never touch Secrets', () => {
    const allows = (group: string, resource: string, verb: string): boolean =>
      MEMBER_RULES.some(
        (r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb),
      );
    for (const verb of ['get', 'list', 'watch']) {
      expect(allows('', 'services', verb)).to.equal(true);
      expect(allows('', 'pods', verb)).to.equal(true);
      expect(allows('', 'nodes', verb)).to.equal(true);
      expect(allows('discovery.k8s.io', 'endpointslices', verb)).to.equal(true);
      expect(allows('networking.k8s.io', 'ingresses', verb)).to.equal(true);
      expect(allows('', 'secrets', verb)).to.equal(false);
    }
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect(allows('', 'services', verb)).to.equal(true);
      expect(allows('networking.k8s.io', 'ingresses', verb)).to.equal(true);
      expect(allows('', 'pods', verb)).to.equal(false);
    }
    expect(MEMBER_RULES.flatMap((r) => r.resources ?? [])).to.not.include('*');
  });

  it('recognise the shipped rules in any order and nothing else', () => {
    expect(
      hasMemberRules([...MEMBER_RULES].reverse().map((r) => ({ ...r, verbs: [...r.verbs].reverse() }))),
    ).to.equal(true);
    expect(hasMemberRules(MEMBER_RULES.slice(1))).to.equal(false);
    expect(
      hasMemberRules([...MEMBER_RULES, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    ).to.equal(false);
    expect(hasMemberRules(undefined)).to.equal(false);
  });
});

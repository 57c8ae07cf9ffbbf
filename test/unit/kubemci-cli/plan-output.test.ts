import { expect } from 'chai';
import { labelBackendsWithClusters } from '../../../src/cli/kubemci/backend-clusters.ts';
import { planJson, planText, formatList, statusLine } from '../../../src/cli/kubemci/output.ts';
import type { MemberFacts } from '../../../src/model/member-facts.ts';
import { plan } from '../../../src/plan/plan.ts';
import { derivedServiceName } from '../../../src/naming/gce-names.ts';
import { translate } from '../../../src/translate/translate.ts';

const INSTANCE = 'kubemci-cli';
const NS = 'web';
const KEY = '-----BEGIN PRIVATE KEY-----\nTHE-PRIVATE-KEY-MATERIAL\n-----END PRIVATE KEY-----';
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBcertificate\n-----END CERTIFICATE-----';

function facts(zone: string): MemberFacts {
  return {
    reachable: true,
    services: { web: { ports: [{ port: 80, targetPort: 8080 }] } },
    negStatus: {
      [derivedServiceName(INSTANCE, NS, 'web')]: {
        networkEndpointGroups: { '80': `neg-${zone}` },
        zones: [zone],
      },
    },
    nodeTags: [`tag-${zone}`],
  };
}

function translation() {
  return translate(
    {
      ingress: {
        metadata: { namespace: NS, name: 'shop' },
        spec: {
          defaultBackend: { service: { name: 'web', port: { number: 80 } } },
          tls: [{ secretName: 'tls' }],
        },
      },
      clusters: ['a', 'b'].map((name) => ({ name, labels: { 'kubemci.io/enabled': 'true' } })),
      memberFacts: { a: facts('us-central1-a'), b: facts('europe-west1-b') },
      secrets: { tls: { 'tls.crt': CERT, 'tls.key': KEY } },
    },
    { project: 'my-project', instanceId: INSTANCE },
  );
}

const context = { lbName: 'shop', namespace: NS, project: 'my-project', instanceId: INSTANCE, dryRun: true };

describe('kubemci CLI: plan and status output', () => {
  it('labels each backend with its cluster, from the translation', () => {
    const t = translation();
    expect(t.errors).to.deep.equal([]);
    const desired = labelBackendsWithClusters(t.desired, t.backends);
    const bs = desired.find((d) => d.kind === 'backendServices')!;
    const backends = bs.body.backends as { group: string; description: string }[];
    expect(backends.map((b) => [b.group.replace(/.*zones\//, ''), b.description])).to.deep.equal([
      ['europe-west1-b/networkEndpointGroups/neg-europe-west1-b', '{"cluster":"b"}'],
      ['us-central1-a/networkEndpointGroups/neg-us-central1-a', '{"cluster":"a"}'],
    ]);
    // Everything else is translate's, untouched.
    expect(desired.filter((d) => d.kind !== 'backendServices')).to.deep.equal(
      t.desired.filter((d) => d.kind !== 'backendServices'),
    );
  });

  it('gives the dry run as JSON in the Compute API shape, private keys redacted', () => {
    const t = translation();
    const desired = labelBackendsWithClusters(t.desired, t.backends);
    const checked = plan([], desired, { instanceId: INSTANCE, ingress: { namespace: NS, name: 'shop' } });
    const json = planJson(context, checked, desired, t);
    const text = JSON.stringify(json);
    expect(text).not.to.include('THE-PRIVATE-KEY-MATERIAL');
    const parsed = JSON.parse(text) as {
      changes: boolean;
      counts: Record<string, number>;
      steps: { op: string; kind: string; body?: Record<string, unknown> }[];
      desired: { kind: string; name: string; body: Record<string, unknown> }[];
      clusters: string[];
      backendMode: string;
    };
    expect(parsed.changes).to.equal(true);
    expect(parsed.counts).to.deep.equal({ create: desired.length });
    expect(parsed.clusters).to.deep.equal(['a', 'b']);
    expect(parsed.backendMode).to.equal('neg');
    const cert = parsed.desired.find((d) => d.kind === 'sslCertificates')!;
    expect(cert.body).to.include({ certificate: CERT, privateKey: '[redacted]' });
    expect(parsed.steps.find((s) => s.kind === 'sslCertificates')!.body).to.include({
      privateKey: '[redacted]',
    });
    const rule = parsed.desired.find(
      (d) => d.kind === 'globalForwardingRules' && d.body.portRange === '443-443',
    )!;
    expect(rule.body).to.include({ IPProtocol: 'TCP', loadBalancingScheme: 'EXTERNAL' });
    expect(rule.body.target).to.match(
      /^https:\/\/www\.googleapis\.com\/compute\/v1\/projects\/my-project\/global\/targetHttpsProxies\//,
    );
  });

  it('summarises a plan in text: a head line, one line per change', () => {
    const t = translation();
    const checked = plan([], t.desired, { instanceId: INSTANCE, ingress: { namespace: NS, name: 'shop' } });
    const lines = planText(context, checked);
    expect(lines[0]).to.equal(`Dry run: load balancer shop (namespace web): ${t.desired.length} create`);
    expect(lines.slice(1)).to.have.length(t.desired.length);
    expect(lines.slice(1).every((l) => l.startsWith('  create '))).to.equal(true);
    const none = plan([], [], { instanceId: INSTANCE, ingress: { namespace: NS, name: 'shop' } });
    expect(planText({ ...context, dryRun: false }, none)).to.deep.equal([
      'load balancer shop (namespace web): no changes',
    ]);
  });

  it("prints kubemci's status line and list table", () => {
    expect(statusLine('shop', '1.2.3.4', ['a', 'b'])).to.equal(
      'Load balancer shop has IPAddress 1.2.3.4 and is spread across 2 clusters (a,b)',
    );
    expect(statusLine('shop', undefined, [])).to.equal(
      'Load balancer shop has IPAddress (none yet) and is spread across 0 clusters ()',
    );
    expect(formatList([])).to.equal('No multicluster ingresses found.\n');
    const state = {
      namespace: 'web',
      name: 'shop',
      ipAddress: '1.2.3.4',
      clusters: ['a', 'b'],
      groups: {},
      resources: [],
    };
    expect(formatList([state, { ...state, name: 'cart', ipAddress: undefined, clusters: [] }])).to.equal(
      [
        'NAME   IP        CLUSTERS   NAMESPACE',
        'shop   1.2.3.4   a, b       web',
        'cart                        web',
        '',
      ].join('\n'),
    );
  });
});

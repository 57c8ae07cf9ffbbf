import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { formatPlan, type PlanReport } from '../../../src/cli/mci/format-plan.ts';
import { labelPath, showValue, toPlanDiff } from '../../../src/cli/mci/plan-diff.ts';
import { makeStyle } from '../../../src/cli/mci/terminal.ts';
import type { DesiredResource, ObservedResource } from '../../../src/model/gce.ts';
import type { MemberFacts } from '../../../src/model/member-facts.ts';
import { derivedServiceName } from '../../../src/naming/gce-names.ts';
import { KIND_RULES, plan } from '../../../src/plan/index.ts';
import { translate } from '../../../src/translate/translate.ts';
import { echo } from '../plan/gce-echo.ts';

const instanceId = 'uid-1';
const ingressKey = { namespace: 'shop', name: 'frontend' };
const KEY = 'U0VDUkVUS0VZ';

/** The desired graph of a small Ingress over clusters a (two zones) and b, with a TLS Secret. */
function desired(): DesiredResource[] {
  const facts = (zones: string[]): MemberFacts => ({
    reachable: true,
    services: {
      web: { ports: [{ port: 80, targetPort: 8080 }], readinessProbePaths: { '8080': ['/healthz'] } },
    },
    negStatus: {
      [derivedServiceName(instanceId, 'shop', 'web')]: { networkEndpointGroups: { '80': 'neg-web' }, zones },
    },
    nodeTags: ['node'],
  });
  const result = translate(
    {
      ingress: {
        metadata: ingressKey,
        spec: {
          defaultBackend: { service: { name: 'web', port: { number: 80 } } },
          tls: [{ secretName: 'tls' }],
        },
      },
      clusters: [
        { name: 'a', labels: { 'kubemci.io/enabled': 'true' } },
        { name: 'b', labels: { 'kubemci.io/enabled': 'true' } },
      ],
      memberFacts: { a: facts(['us-east1-b', 'us-east1-c']), b: facts(['europe-west1-b']) },
      secrets: {
        tls: {
          'tls.crt': '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n',
          'tls.key': `-----BEGIN PRIVATE KEY-----\n${KEY}\n-----END PRIVATE KEY-----\n`,
        },
      },
    },
    { project: 'demo-project', instanceId },
  );
  expect(result.errors).to.deep.equal([]);
  return [...result.desired];
}

const applied = (d: readonly DesiredResource[]) => d.map((r) => echo(r, { ip: '34.1.2.3' }));

function drift(observed: ObservedResource[], kind: string, change: (body: Record<string, unknown>) => void) {
  const r = observed.find((o) => o.kind === kind)!;
  const body = JSON.parse(JSON.stringify(r.body)) as Record<string, unknown>;
  change(body);
  return observed.map((o) => (o === r ? { ...o, body } : o));
}

const diffOf = (observed: readonly ObservedResource[], want: readonly DesiredResource[]) =>
  toPlanDiff(plan(observed, want, { instanceId, ingress: ingressKey }), observed, want);

describe('kubectl mci plan: the readable diff', () => {
  it('shows nothing to change when GCE matches, whatever GCE adds or reorders', () => {
    const want = desired();
    const diff = diffOf(applied(want), want);
    expect(diff.changes).to.deep.equal([]);
    expect(diff.kept).to.have.length(want.length);
    expect(diff.kept.every((k) => k.reason === 'up to date')).to.equal(true);
  });

  it('names a changed backend by its group, with the value GCE has and the one the controller wants', () => {
    const want = desired();
    const observed = drift(applied(want), 'backendServices', (body) => {
      for (const b of body.backends as { group: string; capacityScaler?: number }[]) {
        if (b.group.includes('us-east1-c')) b.capacityScaler = 0.5;
      }
    });
    const diff = diffOf(observed, want);
    expect(diff.changes).to.have.length(1);
    const change = diff.changes[0]!;
    expect(change).to.deep.include({ op: 'update', kind: 'backendServices', method: 'patch' });
    expect(change.fields).to.deep.equal([
      {
        path: 'backends[zones/us-east1-c/networkEndpointGroups/neg-web].capacityScaler',
        before: '0.5',
        after: '1',
      },
    ]);
  });

  it("shows a group removed behind the controller's back as one element to add", () => {
    const want = desired();
    const observed = drift(applied(want), 'backendServices', (body) => {
      body.backends = (body.backends as { group: string }[]).filter((b) => !b.group.includes('europe'));
    });
    const fields = diffOf(observed, want).changes[0]!.fields;
    expect(fields).to.have.length(1);
    expect(fields[0]!.path).to.equal('backends[zones/europe-west1-b/networkEndpointGroups/neg-web]');
    expect(fields[0]!.before).to.equal('unset');
    expect(JSON.parse(fields[0]!.after)).to.deep.include({
      group: 'zones/europe-west1-b/networkEndpointGroups/neg-web',
      balancingMode: 'RATE',
      capacityScaler: 1,
    });
  });

  it('shows a repointed URL map by the resource names, and a deleted resource as a create', () => {
    const want = desired();
    const observed = drift(applied(want), 'urlMaps', (body) => {
      body.defaultService =
        'https://www.googleapis.com/compute/v1/projects/demo-project/global/backendServices/other';
    }).filter((o) => o.kind !== 'firewalls');
    const diff = diffOf(observed, want);
    const urlMap = diff.changes.find((c) => c.kind === 'urlMaps')!;
    expect(urlMap.fields).to.deep.equal([
      {
        path: 'defaultService',
        before: '"global/backendServices/other"',
        after: `"global/backendServices/${want.find((d) => d.kind === 'backendServices')!.name}"`,
      },
    ]);
    expect(diff.changes.map((c) => `${c.op} ${c.kind}`).sort()).to.deep.equal([
      'create firewalls',
      'update urlMaps',
    ]);
  });

  it("compares a forwarding rule with its address's IP, and recreates it when the IP moved", () => {
    const want = desired();
    const observed = drift(applied(want), 'globalForwardingRules', (body) => {
      body.IPAddress = '34.9.9.9';
    });
    const change = diffOf(observed, want).changes.find((c) => c.kind === 'globalForwardingRules')!;
    expect(change.op).to.equal('recreate');
    expect(change.fields).to.deep.equal([{ path: 'IPAddress', before: '"34.9.9.9"', after: '"34.1.2.3"' }]);
  });

  it('labels list elements without a key by index, and shows values compactly', () => {
    expect(labelPath('pathMatchers[0].pathRules', {}, KIND_RULES.urlMaps)).to.equal(
      'pathMatchers[0].pathRules',
    );
    expect(showValue(undefined)).to.equal('unset');
    expect(showValue(['https://www.googleapis.com/compute/v1/projects/p/global/networks/default'])).to.equal(
      '["global/networks/default"]',
    );
  });

  it('prints the diff, never a secret, and the same data as JSON', () => {
    const want = desired();
    const observed = drift(applied(want), 'backendServices', (body) => {
      (body.backends as { capacityScaler?: number }[])[0]!.capacityScaler = 0.3;
    }).filter((o) => o.kind !== 'sslCertificates');
    const report: PlanReport = {
      namespace: 'shop',
      name: 'frontend',
      instanceId,
      project: 'demo-project',
      selectedClusters: ['a', 'b'],
      translateErrors: [],
      diff: diffOf(observed, want),
      clusterProblems: ['cluster c: nothing is known about the cluster yet; it has no backends'],
      warnings: [],
      members: [
        {
          cluster: 'c',
          kind: 'unreachable',
          message: 'cluster c: cannot list services in namespace shop: connect ECONNREFUSED',
        },
      ],
    };
    const text = formatPlan(report, { output: 'table', style: makeStyle(false), all: false });
    expect(text).to.match(
      /^Plan for ingress shop\/frontend \(controller instance uid-1, project demo-project\)\nSelected clusters: a, b\n/,
    );
    expect(text).to.match(
      /\n~ update backendServices\/\S+ \(patch\)\n {4}backends\[zones\/\S+\]\.capacityScaler: 0\.3 -> 1\n/,
    );
    expect(text).to.match(/\n\+ create sslCertificates\/\S+\n {4}does not exist\n/);
    expect(text).to.include('\nPlan: 1 to create, 1 to update; ');
    expect(text).to.include(
      'Members that could not be read:\n  cluster c: cannot list services in namespace shop: connect ECONNREFUSED (the controller keeps',
    );
    expect(text).to.include('Cluster problems (their backends are left out):\n  cluster c: nothing is known');
    const json = formatPlan(report, { output: 'json', style: makeStyle(false), all: false });
    for (const out of [text, json]) {
      expect(out).not.to.include(KEY);
      expect(out).not.to.include('PRIVATE KEY');
    }
    const doc = JSON.parse(json) as { changes: { op: string }[]; unchanged: unknown[] };
    expect(doc.changes.map((c) => c.op).sort()).to.deep.equal(['create', 'update']);
    expect(doc.unchanged).to.have.length(want.length - 2);
    expect(
      parseYaml(formatPlan(report, { output: 'yaml', style: makeStyle(false), all: false })),
    ).to.deep.equal(doc);
    const same = formatPlan(
      { ...report, members: [], clusterProblems: [], diff: diffOf(applied(want), want) },
      {
        output: 'table',
        style: makeStyle(false),
        all: true,
      },
    );
    expect(same).to.include(
      `\nNo changes. GCE matches what the controller wants (${want.length} resources up to date).\n`,
    );
    expect(same.match(/^= /gm)).to.have.length(want.length);
  });
});

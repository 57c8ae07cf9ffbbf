import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { formatList } from '../../../src/cli/mci/format-list.ts';
import { formatStatus, type StatusView } from '../../../src/cli/mci/format-status.ts';
import { summarizeIngress } from '../../../src/cli/mci/summary.ts';
import { makeStyle } from '../../../src/cli/mci/terminal.ts';
import { NOW, ingress, statusFixture } from './fixtures.ts';

const plain = makeStyle(false);
const healthy = () => summarizeIngress(ingress('app', 'shop', { status: statusFixture('status-healthy') }));
const faulty = () =>
  summarizeIngress(ingress('app', 'cart', { status: statusFixture('status-problem'), generation: 4 }));
const fresh = () => summarizeIngress(ingress('web', 'new'));

describe('kubectl mci: judging an Ingress from its status', () => {
  it('counts ready clusters and finds no problem in a converged, healthy Ingress (a drained cluster is still ready)', () => {
    const s = healthy();
    expect(s).to.deep.include({ vip: '198.18.0.7', selected: 2, ready: 2, backendMode: 'neg' });
    expect(s.clusters).to.deep.equal(['eu-west', 'us-east']);
    expect(s.problems).to.deep.equal([]);
  });

  it('lists every problem, most important first: last error, pending generation, cluster problems, health', () => {
    const s = faulty();
    expect(s.ready).to.equal(1);
    expect(s.problems).to.deep.equal([
      'rateLimited: compute.urlMaps.update: 403 rateLimitExceeded: slow down',
      'generation 4 is not reconciled yet (the status is of generation 3)',
      'cluster eu-west: no NEG status after 120 s: is the NEG controller running?',
      'cluster us-east: web:80 has 1 unhealthy endpoint of 2',
    ]);
    expect(s.warnings).to.have.length(1);
  });

  it('says when there is no status, or one it cannot read', () => {
    expect(fresh().problems[0]).to.match(/^no status yet/);
    const other = summarizeIngress(ingress('a', 'b', { status: '{"version":2}' }));
    expect(other.problems[0]).to.match(/is not a status this kubectl-mci can read/);
  });
});

describe('kubectl mci list: output', () => {
  it('prints a kubectl table, NAMESPACE first with -A, the first problem and how many more', () => {
    const text = formatList([healthy(), faulty(), fresh()], {
      output: 'table',
      allNamespaces: true,
      now: NOW,
      style: plain,
    });
    expect(text.split('\n')).to.deep.equal([
      'NAMESPACE   NAME   VIP          CLUSTERS   LAST CHANGE   PROBLEM',
      'app         shop   198.18.0.7   2/2        5m            <none>',
      'app         cart   198.18.0.9   1/2        3h            rateLimited: compute.urlMaps.update: 403 rateLimitExceeded: slow down (+3 more)',
      'web         new    <pending>    0/0        <never>       no status yet: the controller has not reconciled it (is it running, and watch...',
      '',
    ]);
  });

  it('adds the mode and the selected clusters with -o wide, and shows every problem', () => {
    const lines = formatList([faulty()], {
      output: 'wide',
      allNamespaces: false,
      now: NOW,
      style: plain,
    }).split('\n');
    expect(lines[0]).to.equal(
      'NAME   VIP          CLUSTERS   LAST CHANGE   MODE   SELECTED          PROBLEM',
    );
    expect(lines[1]).to.match(
      /^cart {3}198\.18\.0\.9 {3}1\/2 {8}3h {12}neg {4}eu-west,us-east {3}rateLimited: .*; cluster us-east: web:80 has 1 unhealthy endpoint of 2$/,
    );
  });

  it('paints only on request, and pads by the text, not the colour codes', () => {
    const text = formatList([healthy()], {
      output: 'table',
      allNamespaces: false,
      now: NOW,
      style: makeStyle(true),
    });
    expect(text).to.include('\u001b[32m2/2\u001b[0m        5m');
    expect(
      formatList([healthy()], { output: 'table', allNamespaces: false, now: NOW, style: plain }),
    ).not.to.include('\u001b');
  });

  it('prints the same data as JSON and YAML, with the full status', () => {
    const opts = { allNamespaces: false, now: NOW, style: plain };
    const json = JSON.parse(formatList([healthy(), faulty()], { ...opts, output: 'json' })) as {
      kind: string;
      items: Record<string, unknown>[];
    };
    expect(json.kind).to.equal('MulticlusterIngressList');
    expect(json.items[0]).to.deep.include({
      namespace: 'app',
      name: 'shop',
      vip: '198.18.0.7',
      clusters: { ready: 2, selected: 2, names: ['eu-west', 'us-east'] },
      problems: [],
      lastChange: '2025-03-01T11:55:00.000Z',
    });
    expect((json.items[1]!.status as { lastError: { reason: string } }).lastError.reason).to.equal(
      'rateLimited',
    );
    const yaml = parseYaml(formatList([healthy(), faulty()], { ...opts, output: 'yaml' })) as unknown;
    expect(yaml).to.deep.equal(json);
    expect(JSON.parse(formatList([], { ...opts, output: 'json' }))).to.deep.equal({
      kind: 'MulticlusterIngressList',
      items: [],
    });
    expect(formatList([], { ...opts, output: 'table' })).to.equal('');
  });
});

describe('kubectl mci status: output', () => {
  const view = (summary = healthy()): StatusView => ({
    summary,
    events: [
      {
        type: 'Normal',
        reason: 'LoadBalancerCreated',
        message: 'create addresses, create urlMaps',
        count: 1,
        lastSeen: '2025-03-01T11:55:00.000Z',
      },
      {
        type: 'Warning',
        reason: 'ClusterProblem',
        message: 'cluster eu-west: x',
        count: 3,
        lastSeen: '2025-03-01T11:59:00.000Z',
      },
    ],
  });

  it('shows the VIP, one row per cluster and backend with capacity, zones and health, the resources and Events', () => {
    const text = formatStatus(view(), { output: 'table', now: NOW, style: plain });
    const lines = text.split('\n');
    expect(lines.slice(0, 6)).to.deep.equal([
      'Name:         shop',
      'Namespace:    app',
      'VIP:          198.18.0.7',
      'Backend mode: neg',
      'Generation:   2 (status of 2)',
      'Last change:  2025-03-01T11:55:00.000Z (5m ago)',
    ]);
    expect(text).to.include(
      [
        'Clusters:     2 selected, 2 ready',
        '  CLUSTER   STATE   BACKEND   CAPACITY      ZONES                   HEALTH',
        '  eu-west   ready   web:80    0 (drained)   europe-west1-b          2/2 healthy (30s ago)',
        '  us-east   ready   web:80    1             us-east1-b,us-east1-c   4/4 healthy (30s ago)',
      ].join('\n'),
    );
    expect(text).to.include('  backendServices      mci2-bs-app-shop-web-80-0123456789\n');
    expect(text).to.include(
      '  5m          Normal    LoadBalancerCreated   create addresses, create urlMaps\n',
    );
    expect(text).to.include('  60s         Warning   ClusterProblem        cluster eu-west: x (x3)\n');
    expect(text).not.to.include('Problems:');
  });

  it('shows cluster problems, other problems and warnings in their own sections', () => {
    const text = formatStatus(
      { summary: faulty(), events: { error: 'registry: cannot list events in namespace app: forbidden' } },
      { output: 'table', now: NOW, style: plain },
    );
    expect(text).to.include('  eu-west   not ready   -         -          -            -\n');
    expect(text).to.include(
      'Cluster problems:\n  eu-west: no NEG status after 120 s: is the NEG controller running?\n  us-east: web:80 has 1 unhealthy endpoint of 2\n',
    );
    expect(text).to.include(
      'Problems:\n  rateLimited: compute.urlMaps.update: 403 rateLimitExceeded: slow down\n',
    );
    expect(text).to.include('Warnings:\n  no spec.defaultBackend');
    expect(text).to.include(
      'Events:\n  cannot read Events: registry: cannot list events in namespace app: forbidden\n',
    );
  });

  it('prints a JSON or YAML document with the status, problems and Events', () => {
    const doc = JSON.parse(
      formatStatus(view(faulty()), { output: 'json', now: NOW, style: plain }),
    ) as Record<string, unknown>;
    expect(doc).to.deep.include({
      namespace: 'app',
      name: 'cart',
      generation: 4,
      clusters: { ready: 1, selected: 2 },
    });
    expect(doc.problems).to.have.length(4);
    expect(doc.events).to.have.length(2);
    expect(parseYaml(formatStatus(view(faulty()), { output: 'yaml', now: NOW, style: plain }))).to.deep.equal(
      doc,
    );
  });
});

// Pure parts of the simulator: GCE names in ingress-gce's formats and the annotations GKE reads
// and writes. They need no server; they live with the simulator's other tests.
import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import { expect } from 'chai';
import {
  ingressServiceBackends,
  isMultiClusterIngress,
  parseNegRequest,
  parseNegStatus,
  renderInstanceGroups,
  renderNegStatus,
} from '../../simulator/annotations.ts';
import { instanceGroupName, isGceName, negName, trimFieldsEvenly } from '../../simulator/names.ts';

const svc = (annotations: Record<string, string>): V1Service => ({
  metadata: { name: 's', namespace: 'n', annotations },
});

describe('simulator names', () => {
  it('names NEGs exactly as ingress-gce does (its own test vectors)', () => {
    const uid = '01234567890123456789';
    expect(negName(uid, 'namespace', 'name', 80)).to.equal('k8s1-01234567-namespace-name-80-5104b449');
    expect(negName(uid, '0123456789', '0123456789', 1234567890)).to.equal(
      'k8s1-01234567-0123456789-0123456789-1234567890-ed141b14',
    );
    const long = '01234567890123456789012345678901234567890123456789';
    expect(negName(uid, long, '0', 0)).to.equal(
      'k8s1-01234567-0123456789012345678901234567890123456-0--72142e04',
    );
  });

  it('keeps NEG names within 63 characters whatever the namespace and Service names', () => {
    const name = negName('abcdef0123456789', 'n'.repeat(63), 's'.repeat(63), 65535);
    expect(name).to.have.length.at.most(63);
    expect(isGceName(name)).to.equal(true);
  });

  it('trims fields in proportion to their length and leaves short lists alone', () => {
    expect(trimFieldsEvenly(10, ['ab', 'cd'])).to.deep.equal(['ab', 'cd']);
    // 22 characters into 12: each loses its share of 10 (rounded down) and one more; the
    // character left over goes to the first field.
    expect(trimFieldsEvenly(12, ['aaaaaaaaaa', 'bbbbbbbbbb', 'cc'])).to.deep.equal(['aaaaaa', 'bbbbb', 'c']);
  });

  it('names the instance group k8s-ig--<uid>', () => {
    expect(instanceGroupName('0123abcd4567ef89')).to.equal('k8s-ig--0123abcd4567ef89');
  });
});

describe('simulator annotations', () => {
  it('parses exposed ports with and without custom names', () => {
    const parsed = parseNegRequest(
      svc({ 'cloud.google.com/neg': '{"exposed_ports":{"80":{},"443":{"name":"web"}}}' }),
    );
    expect(parsed.ok).to.equal(true);
    const value = parsed.ok ? parsed.value : undefined;
    expect(value?.ingress).to.equal(false);
    expect([...(value?.exposedPorts ?? [])]).to.deep.equal([
      [80, undefined],
      [443, 'web'],
    ]);
    const ingressOnly = parseNegRequest(svc({ 'cloud.google.com/neg': '{"ingress": true}' }));
    expect(ingressOnly.ok && ingressOnly.value?.ingress).to.equal(true);
  });

  it('reports malformed requests instead of guessing', () => {
    for (const bad of ['{', '[]', '{"exposed_ports":{"http":{}}}', '{"exposed_ports":{"80":1}}']) {
      const parsed = parseNegRequest(svc({ 'cloud.google.com/neg': bad }));
      expect(parsed.ok, bad).to.equal(false);
    }
    expect(parseNegRequest(svc({}))).to.deep.equal({ ok: true, value: undefined });
  });

  it('renders neg-status in ingress-gce format and reads it back', () => {
    const text = renderNegStatus(
      new Map([
        [443, 'neg-b'],
        [80, 'neg-a'],
      ]),
      ['us-central1-b', 'us-central1-a'],
    );
    expect(text).to.equal(
      '{"network_endpoint_groups":{"80":"neg-a","443":"neg-b"},"zones":["us-central1-a","us-central1-b"]}',
    );
    expect(parseNegStatus(svc({ 'cloud.google.com/neg-status': text }))).to.deep.equal(JSON.parse(text));
  });

  it('renders the instance-groups annotation as kubemci reads it, sorted by zone', () => {
    const zone = (z: string) => `https://www.googleapis.com/compute/v1/projects/p/zones/${z}`;
    const text = renderInstanceGroups([
      { Name: 'k8s-ig--u', Zone: zone('us-central1-b') },
      { Name: 'k8s-ig--u', Zone: zone('us-central1-a') },
    ]);
    expect(JSON.parse(text)).to.deep.equal([
      { Name: 'k8s-ig--u', Zone: zone('us-central1-a') },
      { Name: 'k8s-ig--u', Zone: zone('us-central1-b') },
    ]);
  });

  it('finds every Service backend of an Ingress and recognises the multi-cluster class', () => {
    const ing: V1Ingress = {
      metadata: {
        name: 'i',
        namespace: 'n',
        annotations: { 'kubernetes.io/ingress.class': 'gce-multi-cluster' },
      },
      spec: {
        defaultBackend: { service: { name: 'a', port: { number: 80 } } },
        rules: [
          {
            http: {
              paths: [
                {
                  pathType: 'Prefix',
                  path: '/x',
                  backend: { service: { name: 'b', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    };
    expect(ingressServiceBackends(ing)).to.deep.equal([
      { name: 'a', port: 80 },
      { name: 'b', port: 'http' },
    ]);
    expect(isMultiClusterIngress(ing)).to.equal(true);
    expect(isMultiClusterIngress({ spec: { ingressClassName: 'gce-multi-cluster' } })).to.equal(true);
    expect(
      isMultiClusterIngress({ metadata: { annotations: { 'kubernetes.io/ingress.class': 'gce' } } }),
    ).to.equal(false);
  });
});

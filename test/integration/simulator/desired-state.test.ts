// Pure parts of the simulator: what the NEG and instance-group controllers want, and the
// decisions of the scheduler and kubelet, from Kubernetes objects alone.
import type { V1EndpointSlice, V1Ingress, V1Pod, V1Service } from '@kubernetes/client-node';
import { expect } from 'chai';
import { PodIpAllocator, parseCidr, subnet, formatCidr } from '../../simulator/cidr.ts';
import { nodeHealth, nodePortBackends } from '../../simulator/ig-desired.ts';
import { negEndpointsByZone, negPorts } from '../../simulator/neg-desired.ts';
import { runningStatus, statusUpToDate } from '../../simulator/pod-status.ts';
import { ReadinessRules } from '../../simulator/readiness.ts';
import { pickNode, wantsScheduling } from '../../simulator/scheduling.ts';

const service: V1Service = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'web', nodePort: 30080 },
      { name: 'admin', port: 9000 },
    ],
  },
};

function slice(
  name: string,
  port: number,
  endpoints: [string, string, boolean?, boolean?][],
): V1EndpointSlice {
  return {
    metadata: { name, namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints: endpoints.map(([ip, node, ready = true, terminating = false]) => ({
      addresses: [ip],
      nodeName: node,
      conditions: { ready, serving: ready, terminating },
    })),
  };
}

const nodeZones = new Map([
  ['n-a', 'us-central1-a'],
  ['n-b', 'us-central1-b'],
]);

describe('simulator desired state', () => {
  it('gives NEGs to exposed ports the Service has, and to Ingress-routed ports with ingress: true', () => {
    const ing: V1Ingress = {
      metadata: { name: 'i', namespace: 'shop' },
      spec: { defaultBackend: { service: { name: 'web', port: { name: 'admin' } } } },
    };
    const exposed = negPorts(
      service,
      {
        ingress: false,
        exposedPorts: new Map([
          [80, undefined],
          [81, 'x'],
        ]),
      },
      [ing],
    );
    expect([...exposed.ports.keys()]).to.deep.equal([80]);
    expect(exposed.problems).to.deep.equal(['exposed port 81 is not a port of the Service']);
    const viaIngress = negPorts(service, { ingress: true, exposedPorts: new Map() }, [ing]);
    expect([...viaIngress.ports.keys()]).to.deep.equal([9000]);
    const otherNamespace = negPorts(service, { ingress: true, exposedPorts: new Map() }, [
      { ...ing, metadata: { name: 'i', namespace: 'elsewhere' } },
    ]);
    expect(otherNamespace.ports.size).to.equal(0);
  });

  it('puts ready endpoints in the NEG of their node zone, with the resolved target port', () => {
    const slices = [
      slice('a', 8080, [
        ['10.4.0.2', 'n-a'],
        ['10.4.1.2', 'n-b'],
        ['10.4.1.3', 'n-b', false],
        ['10.9.9.9', 'not-ours'],
      ]),
      // The same endpoint in a second slice (during an update) counts once.
      slice('b', 8080, [['10.4.0.2', 'n-a']]),
    ];
    const byZone = negEndpointsByZone(service.spec!.ports![0]!, slices, nodeZones, 'ready');
    expect(Object.fromEntries(byZone)).to.deep.equal({
      'us-central1-a': [{ instance: 'n-a', ipAddress: '10.4.0.2', port: 8080, ready: true }],
      'us-central1-b': [{ instance: 'n-b', ipAddress: '10.4.1.2', port: 8080, ready: true }],
    });
    const all = negEndpointsByZone(service.spec!.ports![0]!, slices, nodeZones, 'all');
    expect(all.get('us-central1-b')?.map((e) => [e.ipAddress, e.ready])).to.deep.equal([
      ['10.4.1.2', true],
      ['10.4.1.3', false],
    ]);
  });

  it('ignores slices whose port is another Service port', () => {
    const other = slice('c', 9000, [['10.4.0.5', 'n-a']]);
    other.ports = [{ name: 'admin', port: 9000, protocol: 'TCP' }];
    expect(negEndpointsByZone(service.spec!.ports![0]!, [other], nodeZones, 'ready').size).to.equal(0);
  });

  it('resolves multi-cluster Ingress backends to NodePorts and reports the ones it cannot', () => {
    const ing: V1Ingress = {
      metadata: { name: 'i', namespace: 'shop' },
      spec: {
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/a',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { name: 'admin' } } },
                },
                {
                  path: '/b',
                  pathType: 'Prefix',
                  backend: { service: { name: 'gone', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    };
    const { backends, problems } = nodePortBackends([ing], [service]);
    expect(backends.map((b) => b.nodePort)).to.deep.equal([30080]);
    expect(problems).to.deep.equal([
      'shop/i: backend web:admin: the Service port has no NodePort',
      'shop/i: backend gone:80: no such Service',
    ]);
  });

  it('reports VM health: any ready pod serves a Cluster Service, only a local one a Local Service', () => {
    const backends = [{ service, servicePort: 80, nodePort: 30080 }];
    const slices = [slice('a', 8080, [['10.4.1.2', 'n-b']])];
    expect(Object.fromEntries(nodeHealth(['n-a', 'n-b'], backends, slices))).to.deep.equal({
      'n-a': 'HEALTHY',
      'n-b': 'HEALTHY',
    });
    const local = [
      { ...backends[0]!, service: { ...service, spec: { ...service.spec, externalTrafficPolicy: 'Local' } } },
    ];
    expect(Object.fromEntries(nodeHealth(['n-a', 'n-b'], local, slices))).to.deep.equal({
      'n-a': 'UNHEALTHY',
      'n-b': 'HEALTHY',
    });
    const none = [slice('a', 8080, [['10.4.1.2', 'n-b', false]])];
    expect(Object.fromEntries(nodeHealth(['n-a'], backends, none))).to.deep.equal({ 'n-a': 'UNHEALTHY' });
    expect(nodeHealth(['n-a'], [], none).size).to.equal(0);
  });
});

describe('simulator scheduler and kubelet decisions', () => {
  const pod = (extra: Partial<V1Pod['spec']> = {}, labels: Record<string, string> = {}): V1Pod => ({
    metadata: { name: 'p', namespace: 'shop', uid: 'u-1', labels },
    spec: { containers: [{ name: 'c', image: 'img' }], ...extra },
  });

  it('schedules unbound default-scheduler pods to the least loaded fitting node', () => {
    const nodes = [
      { name: 'n-b', labels: { zone: 'b' }, pods: 1 },
      { name: 'n-a', labels: { zone: 'a' }, pods: 1 },
      { name: 'n-c', labels: { zone: 'c' }, pods: 3 },
    ];
    expect(pickNode(pod(), nodes)).to.equal('n-a');
    expect(pickNode(pod({ nodeSelector: { zone: 'c' } }), nodes)).to.equal('n-c');
    expect(pickNode(pod({ nodeSelector: { zone: 'x' } }), nodes)).to.equal(undefined);
    expect(wantsScheduling(pod())).to.equal(true);
    expect(wantsScheduling(pod({ nodeName: 'n-a' }))).to.equal(false);
    expect(wantsScheduling(pod({ schedulerName: 'other' }))).to.equal(false);
  });

  it('applies readiness rules, the latest matching one winning, and "all" resetting them', () => {
    const rules = new ReadinessRules();
    const web = pod({}, { app: 'web' });
    const db = pod({}, { app: 'db' });
    rules.set({ labels: { app: 'web' } }, false);
    expect([rules.readyFor(web), rules.readyFor(db)]).to.deep.equal([false, true]);
    rules.set({ namespace: 'shop', name: 'p' }, true);
    expect(rules.readyFor(web)).to.equal(true);
    rules.set('all', false);
    expect([rules.readyFor(web), rules.readyFor(db)]).to.deep.equal([false, false]);
  });

  it('writes a Running status once and keeps condition transition times while they hold', () => {
    const p = pod({ nodeName: 'n-a' });
    const r = { hostIP: '10.128.0.2', podIP: '10.4.0.2', ready: true };
    expect(statusUpToDate(p, r)).to.equal(false);
    const status = runningStatus(p, { ...r, now: '2026-01-01T00:00:00Z' });
    const written: V1Pod = { ...p, status: status as unknown as V1Pod['status'] };
    expect(statusUpToDate(written, r)).to.equal(true);
    expect(statusUpToDate(written, { ...r, ready: false })).to.equal(false);
    const later = runningStatus(written, { ...r, ready: false, now: '2026-01-01T00:01:00Z' });
    const time = (s: typeof later, t: string) => s.conditions.find((c) => c.type === t)?.lastTransitionTime;
    expect(time(later, 'Ready')).to.equal('2026-01-01T00:01:00Z');
    expect(time(later, 'PodScheduled')).to.equal('2026-01-01T00:00:00Z');
  });

  it('hands out pod IPs of the node range, skipping network, gateway and taken addresses', () => {
    const range = subnet(parseCidr('10.4.0.0/14'), 24, 3);
    expect(formatCidr(range)).to.equal('10.4.3.0/24');
    const ips = new PodIpAllocator(range);
    expect(ips.claim('10.4.3.2')).to.equal(true);
    expect(ips.claim('10.5.0.1')).to.equal(false);
    expect(ips.allocate()).to.equal('10.4.3.3');
    ips.release('10.4.3.2');
    expect(ips.allocate()).to.equal('10.4.3.2');
  });
});

import { expect } from 'chai';
import type { V1Container, V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import {
  probesThrough,
  selectorString,
  servingPods,
  toMemberService,
} from '../../../src/kube/member-facts-derive.ts';

const APP = { app: 'shop' };

function pod(
  name: string,
  containers: V1Container[],
  opts: { ready?: boolean; phase?: string; labels?: Record<string, string>; deleting?: boolean } = {},
): V1Pod {
  return {
    metadata: {
      name,
      labels: opts.labels ?? APP,
      ...(opts.deleting ? { deletionTimestamp: new Date(0) } : {}),
    },
    spec: { containers },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }],
    },
  };
}

function web(
  path: string,
  probePort: number | string = 'http',
  containerPort = 8080,
  portName = 'http',
): V1Container {
  return {
    name: 'web',
    image: 'shop',
    ports: [{ name: portName, containerPort }],
    readinessProbe: { httpGet: { path, port: probePort } },
  };
}

function service(ports: V1ServicePort[]): V1Service {
  return { metadata: { name: 'shop', namespace: 'ns' }, spec: { selector: APP, ports } };
}

describe('member facts from Services and pods', () => {
  describe('probe paths through the targetPort', () => {
    it('matches a named targetPort to the container port of that name, and the probe on it by name or number', () => {
      const pods = [pod('a', [web('/healthz', 'http')]), pod('b', [web('/healthz', 8080)])];
      expect(probesThrough('http', pods)).to.deep.equal({ paths: ['/healthz'], numbers: [8080] });
    });

    it('matches a numbered targetPort to the container port of that number', () => {
      const pods = [pod('a', [web('/ready', 8080)])];
      expect(probesThrough(8080, pods).paths).to.deep.equal(['/ready']);
      expect(probesThrough('8080', pods).paths).to.deep.equal(['/ready']);
    });

    it('ignores the Service port: only the targetPort decides (the bug kubemci had)', () => {
      const svc = service([{ name: 'web', port: 80, targetPort: 8080 }]);
      const pods = [
        pod('a', [
          {
            name: 'sidecar',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/sidecar', port: 80 } },
          },
          web('/app', 8080),
        ]),
      ];
      expect(toMemberService(svc, pods).readinessProbePaths).to.deep.equal({ '8080': ['/app'] });
    });

    it('ignores a probe on another port of the serving container', () => {
      const container: V1Container = {
        name: 'web',
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'admin', containerPort: 9090 },
        ],
        readinessProbe: { httpGet: { path: '/admin/ready', port: 'admin' } },
      };
      expect(probesThrough('http', [pod('a', [container])])).to.deep.equal({ paths: [], numbers: [8080] });
      expect(probesThrough(9090, [pod('a', [container])]).paths).to.deep.equal(['/admin/ready']);
    });

    it('accepts a numbered targetPort the container does not declare when its probe is on that number', () => {
      const container: V1Container = {
        name: 'web',
        readinessProbe: { httpGet: { path: '/up', port: 8080 } },
      };
      expect(probesThrough(8080, [pod('a', [container])]).paths).to.deep.equal(['/up']);
      expect(probesThrough('http', [pod('a', [container])]).paths).to.deep.equal([]);
    });

    it('reports every distinct path when pods disagree, and / for a probe without a path', () => {
      const pods = [
        pod('a', [web('/v1/ready')]),
        pod('b', [web('/v2/ready')]),
        pod('c', [web('')]),
        pod('d', [web('/v1/ready')]),
      ];
      expect(probesThrough('http', pods).paths).to.deep.equal(['/', '/v1/ready', '/v2/ready']);
    });

    it('resolves a named targetPort to the numbers its pods give it, even when they differ', () => {
      const pods = [pod('a', [web('/r', 'http', 8080)]), pod('b', [web('/r', 'http', 8081)])];
      const svc = service([{ name: 'web', port: 80, targetPort: 'http' }]);
      const facts = toMemberService(svc, pods);
      expect(facts.targetPortNumbers).to.deep.equal({ http: [8080, 8081] });
      expect(facts.readinessProbePaths).to.deep.equal({ http: ['/r'] });
    });

    it('skips tcpSocket and exec probes', () => {
      const container: V1Container = {
        name: 'web',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { tcpSocket: { port: 8080 } },
      };
      expect(probesThrough('http', [pod('a', [container])]).paths).to.deep.equal([]);
    });
  });

  describe('which pods count', () => {
    it('reads only ready pods once any is ready', () => {
      const pods = [pod('old', [web('/old')], { ready: true }), pod('new', [web('/new')], { ready: false })];
      expect(servingPods(pods).map((p) => p.metadata?.name)).to.deep.equal(['old']);
    });

    it('reads the specs of pods that are not ready yet (Pending, no kubelet), but not finished or deleting ones', () => {
      const pods = [
        pod('pending', [web('/a')], { phase: 'Pending' }),
        pod('done', [web('/b')], { phase: 'Succeeded' }),
        pod('failed', [web('/c')], { phase: 'Failed' }),
        pod('going', [web('/d')], { deleting: true }),
      ];
      expect(servingPods(pods).map((p) => p.metadata?.name)).to.deep.equal(['pending']);
    });

    it("ignores pods the Service's selector does not match", () => {
      const svc = service([{ port: 80, targetPort: 'http' }]);
      const facts = toMemberService(svc, [
        pod('mine', [web('/mine')]),
        pod('other', [web('/other')], { labels: { app: 'cart' } }),
      ]);
      expect(facts.readinessProbePaths).to.deep.equal({ http: ['/mine'] });
    });
  });

  describe('toMemberService', () => {
    it('keeps ports as written, the selector and only the app-protocols annotations', () => {
      const svc: V1Service = {
        metadata: {
          name: 'shop',
          annotations: {
            'cloud.google.com/app-protocols': '{"https":"HTTPS"}',
            'kubectl.kubernetes.io/last-applied-configuration': '{}',
          },
        },
        spec: {
          type: 'NodePort',
          selector: APP,
          ports: [
            {
              name: 'https',
              port: 443,
              targetPort: 8443,
              nodePort: 30443,
              protocol: 'TCP',
              appProtocol: 'HTTPS',
            },
            { name: 'plain', port: 80 },
          ],
        },
      };
      expect(toMemberService(svc, [])).to.deep.equal({
        ports: [
          {
            name: 'https',
            port: 443,
            targetPort: 8443,
            nodePort: 30443,
            protocol: 'TCP',
            appProtocol: 'HTTPS',
          },
          { name: 'plain', port: 80 },
        ],
        selector: APP,
        annotations: { 'cloud.google.com/app-protocols': '{"https":"HTTPS"}' },
      });
    });

    it('keys probes of a port without targetPort by its port number', () => {
      const facts = toMemberService(service([{ port: 8080 }]), [pod('a', [web('/p', 8080)])]);
      expect(facts.readinessProbePaths).to.deep.equal({ '8080': ['/p'] });
    });

    it('has no probe facts for a Service without selector', () => {
      const svc: V1Service = {
        metadata: { name: 'ext' },
        spec: { ports: [{ port: 80, targetPort: 'http' }] },
      };
      expect(toMemberService(svc, [pod('a', [web('/x')])])).to.deep.equal({
        ports: [{ port: 80, targetPort: 'http' }],
      });
    });
  });

  it('writes selectors as sorted label-selector strings', () => {
    expect(selectorString({ tier: 'web', app: 'shop' })).to.equal('app=shop,tier=web');
    expect(selectorString({})).to.equal(undefined);
    expect(selectorString(undefined)).to.equal(undefined);
  });
});

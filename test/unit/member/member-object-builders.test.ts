import { expect } from 'chai';
import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import {
  derivedServiceDiffers,
  derivedServiceName,
  OWNERS_ANNOTATION,
  parseOwners,
  toDerivedService,
  withOwner,
} from '../../../src/kube/member-derived-service.ts';
import {
  ingressCopyDiffers,
  ingressCopyName,
  isIngressCopy,
  toIngressCopy,
} from '../../../src/kube/member-ingress-copy.ts';
import { memberFactsOf, needsByNamespace } from '../../../src/kube/member-needs.ts';
import { nodeNetworkOf } from '../../../src/kube/member-node-network.ts';
import { isOwnedByInstance } from '../../../src/kube/member-ownership.ts';

const INSTANCE = 'c0ffee00-0000-4000-8000-000000000001';

const user: V1Service = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', annotations: { note: 'user' } },
  spec: {
    type: 'NodePort',
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' },
      { name: 'https', port: 443, targetPort: 8443, nodePort: 30443, appProtocol: 'HTTPS' },
    ],
  },
};

describe('member object builders', () => {
  describe('derived Service', () => {
    it('mirrors selector and ports as ClusterIP, asks NEGs for the owners’ ports, and marks itself ours', () => {
      const svc = toDerivedService(user, {
        instanceId: INSTANCE,
        owners: { front: [80], admin: [80, 443, 9999] },
      });
      expect(svc.metadata?.name).to.equal(derivedServiceName(INSTANCE, 'shop', 'web'));
      expect(svc.metadata?.name).to.match(/^mci2-sv-web-[a-z2-7]{10}$/);
      expect(svc.metadata?.namespace).to.equal('shop');
      expect(svc.metadata?.labels).to.deep.equal({
        'app.kubernetes.io/managed-by': 'kubemci-controller',
        'kubemci.io/derived-from': 'web',
      });
      expect(svc.metadata?.annotations).to.deep.equal({
        'kubemci.io/instance-id': INSTANCE,
        [OWNERS_ANNOTATION]: '{"admin":[80,443,9999],"front":[80]}',
        'cloud.google.com/neg': '{"exposed_ports":{"80":{},"443":{}}}',
      });
      expect(svc.spec).to.deep.equal({
        type: 'ClusterIP',
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
          { name: 'https', port: 443, targetPort: 8443, appProtocol: 'HTTPS' },
        ],
      });
      expect(isOwnedByInstance(svc, INSTANCE)).to.equal(true);
      expect(isOwnedByInstance(svc, 'another-instance')).to.equal(false);
      expect(isOwnedByInstance(user, INSTANCE)).to.equal(false);
    });

    it('keeps what others wrote on the existing object and compares only what it manages', () => {
      const first = toDerivedService(user, { instanceId: INSTANCE, owners: { front: [80] } });
      const stored: V1Service = {
        ...first,
        metadata: {
          ...first.metadata,
          resourceVersion: '42',
          annotations: { ...first.metadata?.annotations, 'cloud.google.com/neg-status': '{"zones":[]}' },
        },
        spec: {
          ...first.spec,
          clusterIP: '10.96.0.7',
          ports: first.spec?.ports?.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })),
        },
      };
      const again = toDerivedService(user, { instanceId: INSTANCE, owners: { front: [80] } }, stored);
      expect(again.metadata?.resourceVersion).to.equal('42');
      expect(again.metadata?.annotations?.['cloud.google.com/neg-status']).to.equal('{"zones":[]}');
      expect(again.spec?.clusterIP).to.equal('10.96.0.7');
      expect(derivedServiceDiffers(stored, again)).to.equal(false);
      const more = toDerivedService(user, { instanceId: INSTANCE, owners: { front: [80, 443] } }, stored);
      expect(derivedServiceDiffers(stored, more)).to.equal(true);
      const moved = toDerivedService(
        { ...user, spec: { ...user.spec, selector: { app: 'web2' } } },
        { instanceId: INSTANCE, owners: { front: [80] } },
        stored,
      );
      expect(derivedServiceDiffers(stored, moved)).to.equal(true);
    });

    it('records owners per Ingress and tells unreadable owners from none', () => {
      expect(withOwner({ a: [80] }, 'b', [443, 80, 443])).to.deep.equal({ a: [80], b: [80, 443] });
      expect(withOwner({ a: [80], b: [1] }, 'a', undefined)).to.deep.equal({ b: [1] });
      const svc = (text?: string): V1Service => ({
        metadata: { annotations: text === undefined ? {} : { [OWNERS_ANNOTATION]: text } },
      });
      expect(parseOwners(svc('{"a":[80,"x"]}'))).to.deep.equal({ a: [80] });
      expect(parseOwners(svc())).to.deep.equal({});
      expect(parseOwners(svc('nope'))).to.equal(undefined);
      expect(parseOwners(svc('{"a":80}'))).to.equal(undefined);
    });
  });

  describe('Ingress copy', () => {
    const original: V1Ingress = {
      metadata: {
        name: 'front',
        namespace: 'shop',
        annotations: { 'kubernetes.io/ingress.class': 'kubemci' },
      },
      spec: {
        ingressClassName: 'kubemci',
        tls: [{ secretName: 'front-tls' }],
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    };

    it('copies rules and default backend with class gce-multi-cluster and the marker, without TLS or ingressClassName', () => {
      const c = toIngressCopy(original, INSTANCE);
      expect(c.metadata?.name).to.equal(ingressCopyName(INSTANCE, 'shop', 'front'));
      expect(c.metadata?.name).to.not.equal('front');
      expect(c.metadata?.annotations).to.deep.equal({
        'kubernetes.io/ingress.class': 'gce-multi-cluster',
        'kubemci.io/copy-of': 'front',
        'kubemci.io/instance-id': INSTANCE,
      });
      expect(c.spec).to.deep.equal({
        defaultBackend: original.spec?.defaultBackend,
        rules: original.spec?.rules,
      });
      expect(isIngressCopy(c)).to.equal(true);
      expect(isIngressCopy(original)).to.equal(false);
      expect(isOwnedByInstance(c, INSTANCE)).to.equal(true);
    });

    it('keeps what ingress-gce wrote and sees a change of rules', () => {
      const c = toIngressCopy(original, INSTANCE);
      const stored: V1Ingress = {
        ...c,
        metadata: {
          ...c.metadata,
          annotations: { ...c.metadata?.annotations, 'ingress.gcp.kubernetes.io/instance-groups': '[]' },
        },
      };
      const again = toIngressCopy(original, INSTANCE, stored);
      expect(again.metadata?.annotations?.['ingress.gcp.kubernetes.io/instance-groups']).to.equal('[]');
      expect(ingressCopyDiffers(stored, again)).to.equal(false);
      const changed = toIngressCopy({ ...original, spec: { ...original.spec, rules: [] } }, INSTANCE, stored);
      expect(ingressCopyDiffers(stored, changed)).to.equal(true);
    });

    it('names copies within 63 characters, distinct per instance, namespace and name', () => {
      const long = 'a'.repeat(200) + '.example';
      const name = ingressCopyName(INSTANCE, 'shop', long);
      expect(name.length).to.be.at.most(63);
      expect(name).to.match(/^mci2-ic-a+-[a-z2-7]{10}$/);
      expect(ingressCopyName(INSTANCE, 'shop', 'front')).to.not.equal(
        ingressCopyName('other', 'shop', 'front'),
      );
      expect(ingressCopyName(INSTANCE, 'shop', 'front')).to.not.equal(
        ingressCopyName(INSTANCE, 'shop2', 'front'),
      );
    });
  });

  describe('needs and node network', () => {
    it('merges needs by namespace and lists the facts an Ingress depends on', () => {
      const needs = needsByNamespace([
        { namespace: 'shop', ingress: 'a', services: ['web'], mode: 'neg' },
        { namespace: 'shop', ingress: 'b', services: ['api', 'web'], mode: 'instance-group' },
      ]);
      expect([...needs.keys()]).to.deep.equal(['shop']);
      expect([...needs.get('shop')!.services]).to.deep.equal(['web', 'api']);
      expect(needs.get('shop')!.neg).to.equal(true);
      expect([...needs.get('shop')!.copies]).to.deep.equal(['b']);
      expect(
        memberFactsOf('m1', INSTANCE, { namespace: 'shop', ingress: 'a', services: ['web'], mode: 'neg' }),
      ).to.deep.equal([
        { cluster: 'm1', kind: 'Service', namespace: 'shop', name: 'web' },
        {
          cluster: 'm1',
          kind: 'Service',
          namespace: 'shop',
          name: derivedServiceName(INSTANCE, 'shop', 'web'),
        },
      ]);
      expect(
        memberFactsOf('m1', INSTANCE, {
          namespace: 'shop',
          ingress: 'b',
          services: ['web'],
          mode: 'instance-group',
        }),
      ).to.deep.equal([
        { cluster: 'm1', kind: 'Service', namespace: 'shop', name: 'web' },
        { cluster: 'm1', kind: 'Ingress', namespace: 'shop', name: 'b' },
      ]);
    });

    it('reads node tags and network from the Cluster, dropping invalid tags', () => {
      expect(
        nodeNetworkOf({
          metadata: {
            annotations: {
              'kubemci.io/node-tags': 'gke-m1-node, extra  gke-m1-node,Bad_Tag',
              'kubemci.io/network': ' vpc-1 ',
            },
          },
        }),
      ).to.deep.equal({ tags: ['gke-m1-node', 'extra'], network: 'vpc-1', invalidTags: ['Bad_Tag'] });
      expect(nodeNetworkOf({})).to.deep.equal({});
    });
  });
});

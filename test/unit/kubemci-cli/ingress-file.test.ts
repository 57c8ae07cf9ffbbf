import { expect } from 'chai';
import { KubemciError } from '../../../src/cli/kubemci/errors.ts';
import { loadIngress, servicesOf, tlsSecretsOf } from '../../../src/cli/kubemci/ingress-file.ts';

const V1BETA1 = `
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: zone-printer
  annotations:
    kubernetes.io/ingress.global-static-ip-name: zp-ip
spec:
  backend:
    serviceName: zone-printer
    servicePort: 80
  tls:
  - secretName: tls-secret
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /api/*
        backend: {serviceName: api, servicePort: http}
      - path: /num
        backend: {serviceName: num, servicePort: "8080"}
`;

const V1 = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: web, labels: {team: a}}
spec:
  ingressClassName: kubemci
  defaultBackend: {service: {name: web, port: {number: 80}}}
`;

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(KubemciError);
    return (err as Error).message;
  }
  throw new Error('expected a KubemciError');
}

describe('kubemci CLI: the --ingress file', () => {
  it("brings kubemci's extensions/v1beta1 Ingress to the networking.k8s.io/v1 shape", () => {
    const loaded = loadIngress(V1BETA1, 'ing.yaml');
    expect(loaded.lbName).to.equal('zone-printer');
    expect(loaded.namespace).to.equal('default');
    expect(loaded.ingress).to.deep.equal({
      metadata: {
        namespace: 'default',
        name: 'zone-printer',
        annotations: {
          'kubernetes.io/ingress.global-static-ip-name': 'zp-ip',
          'kubernetes.io/ingress.class': 'gce-multi-cluster',
        },
      },
      spec: {
        defaultBackend: { service: { name: 'zone-printer', port: { number: 80 } } },
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/api/*', backend: { service: { name: 'api', port: { name: 'http' } } } },
                { path: '/num', backend: { service: { name: 'num', port: { number: 8080 } } } },
              ],
            },
          },
        ],
        tls: [{ secretName: 'tls-secret' }],
      },
    });
    expect(servicesOf(loaded.ingress.spec)).to.deep.equal(['api', 'num', 'zone-printer']);
    expect(tlsSecretsOf(loaded.ingress.spec)).to.deep.equal(['tls-secret']);
  });

  it('keeps a v1 Ingress as written, names it after LBNAME when given', () => {
    const loaded = loadIngress(V1, 'ing.yaml', { lbName: 'shop-eu' });
    expect(loaded.lbName).to.equal('shop-eu');
    expect(loaded.ingress.metadata).to.deep.equal({
      namespace: 'web',
      name: 'shop-eu',
      annotations: {},
      labels: { team: 'a' },
    });
    expect(loaded.ingress.spec).to.deep.equal({
      ingressClassName: 'kubemci',
      defaultBackend: { service: { name: 'web', port: { number: 80 } } },
    });
  });

  it('takes the namespace from the file, else --namespace, and refuses a conflict', () => {
    expect(loadIngress(V1, 'f', { namespace: 'web' }).namespace).to.equal('web');
    expect(loadIngress(V1BETA1, 'f', { namespace: 'shop' }).namespace).to.equal('shop');
    expect(failure(() => loadIngress(V1, 'f', { namespace: 'other' }))).to.equal(
      'f is in namespace "web" but --namespace says "other"',
    );
  });

  it('--static-ip fills the annotation only when the file has none or the same', () => {
    const set = loadIngress(V1, 'f', { staticIp: 'vip' });
    expect(set.ingress.metadata?.annotations?.['kubernetes.io/ingress.global-static-ip-name']).to.equal(
      'vip',
    );
    expect(loadIngress(V1BETA1, 'f', { staticIp: 'zp-ip' }).ingress.metadata?.annotations).to.include({
      'kubernetes.io/ingress.global-static-ip-name': 'zp-ip',
    });
    expect(failure(() => loadIngress(V1BETA1, 'f', { staticIp: 'other' }))).to.match(
      /--static-ip says "other"/,
    );
  });

  it('refuses another ingress class, no Ingress, several, bad YAML and names GCE would refuse', () => {
    const gce = V1.replace('ingressClassName: kubemci', 'ingressClassName: gce');
    expect(failure(() => loadIngress(gce, 'f'))).to.match(/ingress class "gce" is not gce-multi-cluster/);
    expect(failure(() => loadIngress('kind: Service\napiVersion: v1\n', 'f'))).to.match(
      /exactly one Ingress, found 0/,
    );
    expect(failure(() => loadIngress(`${V1}\n---\n${V1}`, 'f'))).to.match(/found 2/);
    expect(failure(() => loadIngress('a: [', 'f'))).to.match(/^f is not valid YAML/);
    expect(failure(() => loadIngress(V1.replace('name: shop', 'name: Shop_1'), 'f'))).to.match(
      /"Shop_1" must be/,
    );
    expect(failure(() => loadIngress(V1.replace('networking.k8s.io/v1', 'v2'), 'f'))).to.match(
      /apiVersion v2/,
    );
  });
});

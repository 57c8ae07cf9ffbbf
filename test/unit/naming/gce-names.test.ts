import { expect } from 'chai';
import fc from 'fast-check';
import {
  FIELDS_BUDGET,
  MAX_NAME_LENGTH,
  NAME_PREFIX,
  TYPE_CODES,
  addressName,
  backendServiceName,
  derivedServiceName,
  firewallName,
  frontendNames,
  healthCheckName,
  httpForwardingRuleName,
  httpsForwardingRuleName,
  isValidGceName,
  sslCertificateName,
  targetHttpProxyName,
  targetHttpsProxyName,
  urlMapName,
} from '../../../src/naming/gce-names.ts';
import type { IngressIdentity, ServicePortIdentity } from '../../../src/naming/gce-names.ts';
import { trimFieldsEvenly } from '../../../src/naming/trim.ts';

const id: IngressIdentity = {
  instanceId: '3f2b1c4e-0000-4a1b-9c2d-0123456789ab',
  namespace: 'shop',
  name: 'frontend',
};

// Kubernetes names as the API server allows them: namespaces and Services are DNS labels, Ingress
// and Secret names DNS subdomains (dots, up to 253 characters); port names up to 15 characters.
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
const dnsSubdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 4 }).map(
  (labels) =>
    labels
      .join('.')
      .slice(0, 253)
      .replace(/[-.]+$/, '') || 'x',
);
const identity = fc.record({ instanceId: fc.uuid(), namespace: dnsLabel, name: dnsSubdomain });
const port = fc.oneof(
  fc.integer({ min: 1, max: 65535 }),
  fc.stringMatching(/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/),
);
const backend = fc.record({ service: dnsLabel, port });
const network = fc.oneof(
  dnsLabel,
  dnsLabel.map((n) => `https://www.googleapis.com/compute/v1/projects/p/global/networks/${n}`),
);

/** Every name the module makes for one random input, by type. */
function allNames(
  i: IngressIdentity,
  b: ServicePortIdentity,
  secret: string,
  content: string,
  net: string,
): Record<string, string> {
  return {
    address: addressName(i),
    urlMap: urlMapName(i),
    targetHttpProxy: targetHttpProxyName(i),
    targetHttpsProxy: targetHttpsProxyName(i),
    httpForwardingRule: httpForwardingRuleName(i),
    httpsForwardingRule: httpsForwardingRuleName(i),
    healthCheck: healthCheckName(i, b),
    backendService: backendServiceName(i, b),
    sslCertificate: sslCertificateName(i, secret, content),
    firewall: firewallName(i, net),
    derivedService: derivedServiceName(i.instanceId, i.namespace, b.service),
  };
}

describe('naming: GCE names', () => {
  it('has a documented budget that adds up to 63 characters', () => {
    // prefix, "-" code, "-" before the fields, "-" hash: see the comment on FIELDS_BUDGET.
    expect(NAME_PREFIX.length + 3 + 1 + FIELDS_BUDGET + 11).to.equal(MAX_NAME_LENGTH);
  });

  it('reads as prefix, type code, namespace, name, hash', () => {
    expect(urlMapName(id)).to.match(/^mci2-um-shop-frontend-[a-z2-7]{10}$/);
    expect(backendServiceName(id, { service: 'web', port: 80 })).to.match(
      /^mci2-bs-shop-frontend-web-80-[a-z2-7]{10}$/,
    );
    expect(healthCheckName(id, { service: 'web', port: 'http' })).to.match(
      /^mci2-hc-shop-frontend-web-http-/,
    );
    expect(derivedServiceName(id.instanceId, 'shop', 'web')).to.match(/^mci2-sv-web-[a-z2-7]{10}$/);
  });

  it('keeps the names of the frontend apart from each other', () => {
    const names = Object.values(frontendNames(id));
    expect(new Set(names).size).to.equal(names.length);
  });

  it('turns dots and upper case into valid characters', () => {
    const name = urlMapName({ instanceId: 'i', namespace: 'Shop', name: 'www.example.com' });
    expect(name).to.match(/^mci2-um-shop-www-example-com-/);
    expect(isValidGceName(name)).to.equal(true);
  });

  it('gives a new certificate name when the Secret content changes, and only then', () => {
    const before = sslCertificateName(id, 'tls', 'cert-1');
    expect(sslCertificateName(id, 'tls', 'cert-1')).to.equal(before);
    expect(sslCertificateName(id, 'tls', 'cert-2')).to.not.equal(before);
  });

  it('tells port number 80 from a port named "80"', () => {
    expect(backendServiceName(id, { service: 'web', port: 80 })).to.not.equal(
      backendServiceName(id, { service: 'web', port: '80' }),
    );
  });

  it('depends on the instance ID', () => {
    expect(urlMapName(id)).to.not.equal(urlMapName({ ...id, instanceId: 'another' }));
  });

  it('property: every name is at most 63 characters, valid, and starts with the prefix and its code', () => {
    fc.assert(
      fc.property(identity, backend, dnsSubdomain, fc.string(), network, (i, b, secret, content, net) => {
        for (const [type, name] of Object.entries(allNames(i, b, secret, content, net))) {
          expect(name.length, name).to.be.at.most(MAX_NAME_LENGTH);
          expect(isValidGceName(name), name).to.equal(true);
          expect(name.startsWith(`${NAME_PREFIX}-${TYPE_CODES[type as keyof typeof TYPE_CODES]}-`)).to.equal(
            true,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: names are deterministic', () => {
    fc.assert(
      fc.property(identity, backend, dnsSubdomain, fc.string(), network, (i, b, secret, content, net) => {
        expect(allNames({ ...i }, { ...b }, secret, content, net)).to.deep.equal(
          allNames(i, b, secret, content, net),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('property: distinct identities never share a name', () => {
    fc.assert(
      fc.property(identity, identity, backend, backend, (a, b, pa, pb) => {
        fc.pre(a.instanceId !== b.instanceId || a.namespace !== b.namespace || a.name !== b.name);
        expect(urlMapName(a)).to.not.equal(urlMapName(b));
        expect(backendServiceName(a, pa)).to.not.equal(backendServiceName(b, pb));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(identity, backend, backend, (i, pa, pb) => {
        fc.pre(pa.service !== pb.service || pa.port !== pb.port);
        expect(healthCheckName(i, pa)).to.not.equal(healthCheckName(i, pb));
      }),
      { numRuns: 300 },
    );
  });

  it('property: names of one type are all different over a large random set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(identity, { minLength: 50, maxLength: 200, selector: (i) => JSON.stringify(i) }),
        (ids) => {
          expect(new Set(ids.map(urlMapName)).size).to.equal(ids.length);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('cuts very long names evenly and keeps them distinct by hash', () => {
    const longA = { instanceId: 'i', namespace: 'n'.repeat(63), name: `${'a'.repeat(200)}.one` };
    const longB = { instanceId: 'i', namespace: 'n'.repeat(63), name: `${'a'.repeat(200)}.two` };
    const a = urlMapName(longA);
    expect(a).to.have.length(MAX_NAME_LENGTH);
    expect(a).to.match(/^mci2-um-n{22}-a{21}-[a-z2-7]{10}$/);
    expect(urlMapName(longB)).to.not.equal(a);
  });
});

describe('naming: trimFieldsEvenly', () => {
  it('keeps fields that fit', () => {
    expect(trimFieldsEvenly(['ab', 'cd'], 10)).to.deep.equal(['ab', 'cd']);
  });
  it('gives the share of short fields to the long ones', () => {
    expect(trimFieldsEvenly(['aaaaaaaaaa', 'bb', 'cccccccccccccc'], 12)).to.deep.equal([
      'aaaaa',
      'bb',
      'ccccc',
    ]);
    expect(trimFieldsEvenly(['aaaaaaaaaa', 'bbbbbbbbbb'], 7)).to.deep.equal(['aaaa', 'bbb']);
  });
  it('property: never exceeds the budget and keeps prefixes', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 6 }), fc.nat({ max: 80 }), (fields, budget) => {
        const out = trimFieldsEvenly(fields, budget);
        const total = out.reduce((sum, f) => sum + f.length, 0);
        expect(total).to.be.at.most(Math.max(budget, 0));
        out.forEach((f, i) => expect(fields[i]!.startsWith(f)).to.equal(true));
        const inputTotal = fields.reduce((sum, f) => sum + f.length, 0);
        expect(total).to.equal(Math.min(inputTotal, budget));
      }),
      { numRuns: 300 },
    );
  });
});

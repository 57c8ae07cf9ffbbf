import { expect } from 'chai';
import { SecretValue } from '../../../src/model/secret-value.ts';
import { diffBodies, topField } from '../../../src/plan/compare.ts';
import { KIND_RULES } from '../../../src/plan/kind-rules.ts';

const url = (path: string) => `https://www.googleapis.com/compute/v1/projects/p/${path}`;
const paths = (d: ReturnType<typeof diffBodies>) => d.map((x) => x.path);

describe('plan: comparing bodies', () => {
  const bs = KIND_RULES.backendServices;
  const fw = KIND_RULES.firewalls;

  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, typeof bs, string[]]> = [
    ['an omitted field equal to the server default', { timeoutSec: 30, sessionAffinity: 'NONE' }, {}, bs, []],
    ['an omitted field that is not the default', { timeoutSec: 60 }, {}, bs, ['timeoutSec']],
    ['an int64 returned as a string', { timeoutSec: 30 }, { timeoutSec: '30' }, bs, []],
    [
      'partial and full references',
      { healthChecks: [url('global/healthChecks/h')] },
      { healthChecks: ['projects/p/global/healthChecks/h'] },
      bs,
      [],
    ],
    [
      'backends in another order, capacity 1 omitted',
      {
        backends: [
          { group: url('zones/a/networkEndpointGroups/n'), capacityScaler: 1 },
          { group: url('zones/b/networkEndpointGroups/n'), capacityScaler: 0 },
        ],
      },
      {
        backends: [
          { group: url('zones/b/networkEndpointGroups/n'), capacityScaler: 0 },
          { group: url('zones/a/networkEndpointGroups/n') },
        ],
      },
      bs,
      [],
    ],
    [
      'a backend missing',
      { backends: [{ group: 'g1' }, { group: 'g2' }] },
      { backends: [{ group: 'g1' }] },
      bs,
      ['backends'],
    ],
    [
      'fields we do not set',
      { protocol: 'HTTP' },
      { protocol: 'HTTP', enableCDN: true, iap: { enabled: true } },
      bs,
      [],
    ],
    ['an empty list omitted', { hostRules: [] }, {}, KIND_RULES.urlMaps, []],
    [
      'a set in another order with duplicates',
      { targetTags: ['a', 'b'] },
      { targetTags: ['b', 'a', 'a'] },
      fw,
      [],
    ],
    [
      'protocol case',
      { allowed: [{ IPProtocol: 'tcp', ports: ['80'] }] },
      { allowed: [{ IPProtocol: 'TCP', ports: ['80'] }] },
      fw,
      [],
    ],
    [
      'a port added',
      { allowed: [{ IPProtocol: 'tcp', ports: ['80', '443'] }] },
      { allowed: [{ IPProtocol: 'tcp', ports: ['80'] }] },
      fw,
      ['allowed[0].ports'],
    ],
    [
      'a port range in short form',
      { portRange: '80-80' },
      { portRange: '80' },
      KIND_RULES.globalForwardingRules,
      [],
    ],
    ['a write-only secret', { privateKey: new SecretValue('k') }, {}, KIND_RULES.sslCertificates, []],
  ];
  for (const [title, desired, observed, rules, expected] of cases) {
    it(title, () => expect(paths(diffBodies(desired, observed, rules))).to.deep.equal(expected));
  }

  it('compares only the listed fields when given', () => {
    expect(
      paths(
        diffBodies({ urlMap: 'a', description: 'x' }, { urlMap: 'b' }, KIND_RULES.targetHttpProxies, [
          'urlMap',
        ]),
      ),
    ).to.deep.equal(['urlMap']);
  });

  it('names the top-level field of a path', () => {
    expect(topField('backends[2].capacityScaler')).to.equal('backends');
    expect(topField('httpHealthCheck.requestPath')).to.equal('httpHealthCheck');
    expect(topField('urlMap')).to.equal('urlMap');
  });
});

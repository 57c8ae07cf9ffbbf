import { expect } from 'chai';
import type { TranslateResult } from '../../../src/model/translate.ts';
import {
  healthKey,
  parseIngressStatus,
  statusToWrite,
  toIngressStatus,
} from '../../../src/controller/status-annotation.ts';

const translation: TranslateResult = {
  desired: [],
  errors: [],
  clusterProblems: [{ cluster: 'eu', code: 'NegNotReady', message: 'no NEG status yet' }],
  warnings: [{ code: 'ImplicitDefaultBackend', message: 'no default backend' }],
  selectedClusters: ['eu', 'us'],
  backendMode: 'neg',
  backends: [
    {
      service: 'web',
      port: 80,
      backendService: 'mci2-bs-web',
      healthCheck: 'mci2-hc-web',
      protocol: 'HTTP',
      healthCheckPath: '/healthz',
      clusters: [
        {
          cluster: 'us',
          capacityScaler: 1,
          groups: [
            'https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/networkEndpointGroups/neg-a',
          ],
        },
      ],
    },
  ],
  frontend: {
    address: { name: 'mci2-ad', external: false },
    urlMap: 'mci2-um',
    targetHttpProxy: 'mci2-tp',
    httpForwardingRule: 'mci2-fr',
    sslCertificates: [],
    firewalls: ['mci2-fw'],
  },
  derivedServices: [],
};

describe('status annotation', () => {
  it('shows every selected cluster with its backends, health and problems, and the GCE names', () => {
    const health = new Map([[healthKey('mci2-bs-web', 'us'), { healthy: 2, unhealthy: 1, checkedAt: 't' }]]);
    const s = toIngressStatus({ translation, vip: '198.18.0.2', generation: 3, health });
    expect(s.vip).to.equal('198.18.0.2');
    expect(s.observedGeneration).to.equal(3);
    expect(s.clusters.map((c) => c.name)).to.deep.equal(['eu', 'us']);
    expect(s.clusters[0]).to.deep.equal({
      name: 'eu',
      backends: [],
      problems: [{ code: 'NegNotReady', message: 'no NEG status yet' }],
    });
    expect(s.clusters[1]!.backends[0]).to.deep.include({
      service: 'web',
      capacityScaler: 1,
      groups: ['zones/us-central1-a/networkEndpointGroups/neg-a'],
      health: { healthy: 2, unhealthy: 1, checkedAt: 't' },
    });
    expect(s.resources).to.deep.include({
      urlMap: 'mci2-um',
      backendServices: ['mci2-bs-web'],
      firewalls: ['mci2-fw'],
    });
    expect(s.warnings).to.deep.equal(['no default backend']);
  });

  it('is written only when its content changes, not for a new time stamp', () => {
    const first = statusToWrite(
      undefined,
      toIngressStatus({ translation, vip: '1.2.3.4' }),
      '2026-01-01T00:00:00Z',
    );
    expect(first).to.be.a('string');
    expect(parseIngressStatus(first)?.lastChange).to.equal('2026-01-01T00:00:00Z');
    const same = toIngressStatus({
      translation,
      vip: '1.2.3.4',
      health: new Map([[healthKey('mci2-bs-web', 'us'), { healthy: 0, unhealthy: 0, checkedAt: 'later' }]]),
    });
    const withHealth = statusToWrite(first, same, '2026-01-01T00:01:00Z');
    expect(withHealth, 'new health counts are a change').to.be.a('string');
    const again = statusToWrite(
      withHealth,
      toIngressStatus({
        translation,
        vip: '1.2.3.4',
        health: new Map([
          [healthKey('mci2-bs-web', 'us'), { healthy: 0, unhealthy: 0, checkedAt: 'even later' }],
        ]),
      }),
      '2026-01-01T00:02:00Z',
    );
    expect(again, 'only the check time moved').to.equal(undefined);
    const errored = statusToWrite(
      withHealth,
      toIngressStatus({
        translation,
        vip: '1.2.3.4',
        lastError: { reason: 'quotaExceeded', message: 'm', at: 'x' },
      }),
      'now',
    );
    expect(parseIngressStatus(errored)?.lastError?.reason).to.equal('quotaExceeded');
  });

  it('ignores annotations it cannot read', () => {
    expect(parseIngressStatus('not json')).to.equal(undefined);
    expect(parseIngressStatus('{"version":99}')).to.equal(undefined);
    expect(parseIngressStatus(undefined)).to.equal(undefined);
  });
});

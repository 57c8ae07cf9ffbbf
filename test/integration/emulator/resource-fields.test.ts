// §8 rows "Name validation", "Server-filled fields", "Reference normalisation", "Defaults echoed on
// GET", "Order preservation", "Write-only fields" and "Schema".
import { expect } from 'chai';
import {
  BASE,
  PROJECT,
  TLS,
  ZONE,
  expectApiError,
  healthCheck,
  instanceGroup,
  loadBalancer,
  url,
  useEmulator,
} from './helpers.ts';

describe('emulator: names, server fields, references, defaults', () => {
  const ctx = useEmulator();

  describe('name validation', () => {
    for (const bad of ['Upper', '1starts-with-digit', 'ends-with-dash-', 'has_underscore', 'a'.repeat(64)]) {
      it(`refuses '${bad.length > 20 ? `${bad.slice(0, 8)}… (${bad.length} chars)` : bad}' with 400 invalid and Google's regex text`, async () => {
        const err = await expectApiError(
          ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: bad, type: 'HTTP' } }),
          400,
          'invalid',
        );
        expect(err.message).to.equal(
          `Invalid value for field 'resource.name': '${bad}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'`,
        );
      });
    }

    it('accepts a 63-character name and refuses a missing one with 400 required', async () => {
      const name = `a${'b'.repeat(61)}c`;
      await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name, type: 'HTTP' } });
      expect((await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: name })).data.name).to.equal(
        name,
      );
      await expectApiError(
        ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { type: 'HTTP' } }),
        400,
        'required',
      );
    });
  });

  it('fills id (a decimal string), creationTimestamp, selfLink on www.googleapis.com, kind and zone', async () => {
    await instanceGroup(ctx.gce, ctx.api);
    const ig = (await ctx.api.instanceGroups.get({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' })).data;
    expect(ig.id).to.match(/^[1-9][0-9]{18}$/);
    expect(ig.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-07:00$/);
    expect(ig.selfLink).to.equal(`${BASE}projects/${PROJECT}/zones/${ZONE}/instanceGroups/ig`);
    expect(ig.kind).to.equal('compute#instanceGroup');
    expect(ig.zone).to.equal(`${BASE}projects/${PROJECT}/zones/${ZONE}`);
    expect(ig.size).to.equal(1);
    expect(ig.network).to.equal(url('global/networks/default'));
    expect(ig.fingerprint).to.be.a('string');
  });

  it('ignores output-only fields a client sends back (id, selfLink, kind, creationTimestamp)', async () => {
    await healthCheck(ctx.api);
    const got = (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data;
    await ctx.api.healthChecks.update({
      project: PROJECT,
      healthCheck: 'hc',
      requestBody: {
        ...got,
        id: '1',
        selfLink: 'x',
        kind: 'compute#nonsense',
        creationTimestamp: 'yesterday',
        timeoutSec: 4,
      },
    });
    const after = (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data;
    expect(after).to.deep.equal({ ...got, timeoutSec: 4 });
  });

  it('refuses unknown fields, wrong types and values outside an enum with 400 invalid', async () => {
    const unknown = await expectApiError(
      ctx.api.healthChecks.insert({
        project: PROJECT,
        requestBody: { name: 'hc', type: 'HTTP', colour: 'blue' } as object,
      }),
      400,
      'invalid',
    );
    expect(unknown.message).to.contain('Unknown name "colour"');
    await expectApiError(
      ctx.api.healthChecks.insert({
        project: PROJECT,
        requestBody: { name: 'hc', type: 'HTTP', timeoutSec: 'soon' as unknown as number },
      }),
      400,
      'invalid',
    );
    await expectApiError(
      ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'CARRIER_PIGEON' } }),
      400,
      'invalid',
    );
  });

  it('accepts full URLs on any host and partial references, and stores full www.googleapis.com URLs', async () => {
    await healthCheck(ctx.api, 'hc1');
    await healthCheck(ctx.api, 'hc2');
    await healthCheck(ctx.api, 'hc3');
    const forms = [
      `http://127.0.0.1:1/compute/v1/projects/${PROJECT}/global/healthChecks/hc1`,
      `projects/${PROJECT}/global/healthChecks/hc2`,
      'global/healthChecks/hc3',
    ];
    for (const [i, ref] of forms.entries()) {
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: { name: `bs${i}`, healthChecks: [ref] },
      });
      const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: `bs${i}` })).data;
      expect(bs.healthChecks).to.deep.equal([url(`global/healthChecks/hc${i + 1}`)]);
    }
  });

  it('requires a fully-qualified URL for backends[].group', async () => {
    await healthCheck(ctx.api);
    await instanceGroup(ctx.gce, ctx.api);
    const err = await expectApiError(
      ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: {
          name: 'bs',
          healthChecks: ['global/healthChecks/hc'],
          backends: [{ group: `zones/${ZONE}/instanceGroups/ig` }],
        },
      }),
      400,
      'invalid',
    );
    expect(err.message).to.contain('resource.backends[0].group');
  });

  it('echoes the documented defaults on GET', async () => {
    await loadBalancer(ctx.gce, ctx.api);
    const hc = (await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data;
    expect(hc).to.include({ checkIntervalSec: 5, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 });
    expect(hc.httpHealthCheck).to.deep.equal({ port: 80, requestPath: '/', proxyHeader: 'NONE' });
    const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data;
    expect(bs).to.include({
      timeoutSec: 30,
      sessionAffinity: 'NONE',
      loadBalancingScheme: 'EXTERNAL',
      protocol: 'HTTP',
      port: 80,
    });
    expect(bs.connectionDraining).to.deep.equal({ drainingTimeoutSec: 0 });
    expect(bs.backends?.[0]).to.include({
      capacityScaler: 1,
      balancingMode: 'UTILIZATION',
      maxUtilization: 0.8,
    });
    const fr = (await ctx.api.globalForwardingRules.get({ project: PROJECT, forwardingRule: 'fr-http' }))
      .data;
    const vip = (await ctx.api.globalAddresses.get({ project: PROJECT, address: 'vip' })).data;
    expect(fr).to.include({
      portRange: '80-80',
      IPProtocol: 'TCP',
      networkTier: 'PREMIUM',
      loadBalancingScheme: 'EXTERNAL',
      IPAddress: vip.address,
    });
    await ctx.api.firewalls.insert({
      project: PROJECT,
      requestBody: { name: 'fw', allowed: [{ IPProtocol: 'tcp', ports: ['30000-32767'] }] },
    });
    const fw = (await ctx.api.firewalls.get({ project: PROJECT, firewall: 'fw' })).data;
    expect(fw).to.include({
      direction: 'INGRESS',
      priority: 1000,
      network: url('global/networks/default'),
      disabled: false,
    });
    expect(fw.sourceRanges).to.deep.equal(['0.0.0.0/0']);
    const https = (await ctx.api.targetHttpsProxies.get({ project: PROJECT, targetHttpsProxy: 'https' }))
      .data;
    expect(https.quicOverride).to.equal('NONE');
  });

  it('preserves the order of host rules, path matchers, path rules and paths', async () => {
    await healthCheck(ctx.api);
    for (const n of ['a', 'b', 'c']) {
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: { name: n, healthChecks: ['global/healthChecks/hc'] },
      });
    }
    const requestBody = {
      name: 'um',
      defaultService: 'global/backendServices/a',
      hostRules: [
        { hosts: ['z.example.com', 'a.example.com'], pathMatcher: 'pm-z' },
        { hosts: ['m.example.com'], pathMatcher: 'pm-a' },
      ],
      pathMatchers: [
        {
          name: 'pm-z',
          defaultService: 'global/backendServices/b',
          pathRules: [
            { paths: ['/z/*', '/a/*'], service: 'global/backendServices/c' },
            { paths: ['/m'], service: 'global/backendServices/a' },
          ],
        },
        { name: 'pm-a', defaultService: 'global/backendServices/c' },
      ],
    };
    await ctx.api.urlMaps.insert({ project: PROJECT, requestBody });
    const um = (await ctx.api.urlMaps.get({ project: PROJECT, urlMap: 'um' })).data;
    expect(um.hostRules?.map((h) => h.hosts)).to.deep.equal([
      ['z.example.com', 'a.example.com'],
      ['m.example.com'],
    ]);
    expect(um.pathMatchers?.map((p) => p.name)).to.deep.equal(['pm-z', 'pm-a']);
    expect(um.pathMatchers?.[0]?.pathRules?.map((r) => r.paths)).to.deep.equal([['/z/*', '/a/*'], ['/m']]);
    expect(um.pathMatchers?.[0]?.pathRules?.[0]?.service).to.equal(url('global/backendServices/c'));
  });

  it('never returns an SSL certificate private key, and returns the IAP secret only as a SHA-256', async () => {
    await ctx.api.sslCertificates.insert({
      project: PROJECT,
      requestBody: { name: 'cert', certificate: TLS.chain, privateKey: TLS.key },
    });
    const cert = (await ctx.api.sslCertificates.get({ project: PROJECT, sslCertificate: 'cert' })).data;
    expect(cert).to.not.have.property('privateKey');
    expect(JSON.stringify(ctx.gce.state())).to.not.contain('PRIVATE KEY');
    await ctx.api.backendServices.insert({
      project: PROJECT,
      requestBody: { name: 'bs', iap: { enabled: true, oauth2ClientId: 'id', oauth2ClientSecret: 'secret' } },
    });
    const bs = (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' })).data;
    expect(bs.iap).to.deep.equal({
      enabled: true,
      oauth2ClientId: 'id',
      oauth2ClientSecretSha256: '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b',
    });
  });
});

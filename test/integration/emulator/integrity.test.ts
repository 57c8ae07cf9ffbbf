// §8 rows "404 notFound", "409 alreadyExists", "In-use deletion", "Error body": referential
// integrity on insert and delete for every edge of the load-balancer graph.
import { expect } from 'chai';
import { PROJECT, ZONE, expectApiError, loadBalancer, neg, url, useEmulator } from './helpers.ts';

describe('emulator: referential integrity and error bodies', () => {
  const ctx = useEmulator();

  it("renders errors in Google's shape: {error:{code,message,errors:[{message,domain,reason}],status}}", async () => {
    const err = await expectApiError(
      ctx.api.urlMaps.get({ project: PROJECT, urlMap: 'missing' }),
      404,
      'notFound',
    );
    expect(err.body).to.deep.equal({
      error: {
        code: 404,
        message: `The resource 'projects/${PROJECT}/global/urlMaps/missing' was not found`,
        errors: [
          {
            message: `The resource 'projects/${PROJECT}/global/urlMaps/missing' was not found`,
            domain: 'global',
            reason: 'notFound',
          },
        ],
        status: 'NOT_FOUND',
      },
    });
  });

  it('answers 409 alreadyExists for a duplicate insert', async () => {
    await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
    const err = await expectApiError(
      ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } }),
      409,
      'alreadyExists',
    );
    expect(err.message).to.equal(`The resource 'projects/${PROJECT}/global/healthChecks/hc' already exists`);
    expect(err.body.error.status).to.equal('ALREADY_EXISTS');
  });

  describe('insert refuses a missing dependency with 404 naming it', () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        'backendService → healthCheck',
        () =>
          ctx.api.backendServices.insert({
            project: PROJECT,
            requestBody: { name: 'bs2', healthChecks: ['global/healthChecks/nohc'] },
          }),
        'global/healthChecks/nohc',
      ],
      [
        'backendService → instanceGroup',
        () =>
          ctx.api.backendServices.insert({
            project: PROJECT,
            requestBody: {
              name: 'bs2',
              healthChecks: ['global/healthChecks/hc'],
              backends: [{ group: url(`zones/${ZONE}/instanceGroups/noig`) }],
            },
          }),
        `zones/${ZONE}/instanceGroups/noig`,
      ],
      [
        'urlMap → backendService',
        () =>
          ctx.api.urlMaps.insert({
            project: PROJECT,
            requestBody: { name: 'um2', defaultService: 'global/backendServices/nobs' },
          }),
        'global/backendServices/nobs',
      ],
      [
        'urlMap path rule → backendService',
        () =>
          ctx.api.urlMaps.insert({
            project: PROJECT,
            requestBody: {
              name: 'um2',
              defaultService: 'global/backendServices/bs',
              hostRules: [{ hosts: ['*'], pathMatcher: 'pm' }],
              pathMatchers: [
                {
                  name: 'pm',
                  defaultService: 'global/backendServices/bs',
                  pathRules: [{ paths: ['/x'], service: 'global/backendServices/nobs' }],
                },
              ],
            },
          }),
        'global/backendServices/nobs',
      ],
      [
        'targetHttpProxy → urlMap',
        () =>
          ctx.api.targetHttpProxies.insert({
            project: PROJECT,
            requestBody: { name: 'p2', urlMap: 'global/urlMaps/noum' },
          }),
        'global/urlMaps/noum',
      ],
      [
        'targetHttpsProxy → sslCertificate',
        () =>
          ctx.api.targetHttpsProxies.insert({
            project: PROJECT,
            requestBody: {
              name: 'p2',
              urlMap: 'global/urlMaps/um',
              sslCertificates: ['global/sslCertificates/nocert'],
            },
          }),
        'global/sslCertificates/nocert',
      ],
      [
        'forwardingRule → proxy',
        () =>
          ctx.api.globalForwardingRules.insert({
            project: PROJECT,
            requestBody: { name: 'fr2', target: 'global/targetHttpProxies/noproxy', portRange: '80' },
          }),
        'global/targetHttpProxies/noproxy',
      ],
      [
        'forwardingRule → address',
        () =>
          ctx.api.globalForwardingRules.insert({
            project: PROJECT,
            requestBody: {
              name: 'fr2',
              target: 'global/targetHttpProxies/http',
              portRange: '8080',
              IPAddress: 'global/addresses/noip',
            },
          }),
        'global/addresses/noip',
      ],
      [
        'firewall → network',
        () =>
          ctx.api.firewalls.insert({
            project: PROJECT,
            requestBody: { name: 'fw', network: 'global/networks/nonet', allowed: [{ IPProtocol: 'tcp' }] },
          }),
        'global/networks/nonet',
      ],
      [
        'setUrlMap → urlMap',
        () =>
          ctx.api.targetHttpProxies.setUrlMap({
            project: PROJECT,
            targetHttpProxy: 'http',
            requestBody: { urlMap: 'global/urlMaps/noum' },
          }),
        'global/urlMaps/noum',
      ],
      [
        'setTarget → proxy',
        () =>
          ctx.api.globalForwardingRules.setTarget({
            project: PROJECT,
            forwardingRule: 'fr-http',
            requestBody: { target: 'global/targetHttpProxies/noproxy' },
          }),
        'global/targetHttpProxies/noproxy',
      ],
    ];
    for (const [edge, call, missing] of cases) {
      it(edge, async () => {
        await loadBalancer(ctx.gce, ctx.api);
        const err = await expectApiError(call(), 404, 'notFound');
        expect(err.message).to.equal(`The resource 'projects/${PROJECT}/${missing}' was not found`);
      });
    }
  });

  describe('delete refuses a resource still in use with 400 resourceInUseByAnotherResource', () => {
    const cases: [string, () => Promise<unknown>, string, string][] = [
      [
        'healthCheck ← backendService',
        () => ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'hc' }),
        'health_check',
        'global/healthChecks/hc|global/backendServices/bs',
      ],
      [
        'backendService ← urlMap',
        () => ctx.api.backendServices.delete({ project: PROJECT, backendService: 'bs' }),
        'backend_service',
        'global/backendServices/bs|global/urlMaps/um',
      ],
      [
        'urlMap ← targetHttp(s)Proxy',
        () => ctx.api.urlMaps.delete({ project: PROJECT, urlMap: 'um' }),
        'url_map',
        'global/urlMaps/um|global/targetHttpProxies/http',
      ],
      [
        'sslCertificate ← targetHttpsProxy',
        () => ctx.api.sslCertificates.delete({ project: PROJECT, sslCertificate: 'cert' }),
        'ssl_certificate',
        'global/sslCertificates/cert|global/targetHttpsProxies/https',
      ],
      [
        'targetHttpProxy ← forwardingRule',
        () => ctx.api.targetHttpProxies.delete({ project: PROJECT, targetHttpProxy: 'http' }),
        'target_http_proxy',
        'global/targetHttpProxies/http|global/forwardingRules/fr-http',
      ],
      [
        'targetHttpsProxy ← forwardingRule',
        () => ctx.api.targetHttpsProxies.delete({ project: PROJECT, targetHttpsProxy: 'https' }),
        'target_https_proxy',
        'global/targetHttpsProxies/https|global/forwardingRules/fr-https',
      ],
      [
        'address ← forwardingRule',
        () => ctx.api.globalAddresses.delete({ project: PROJECT, address: 'vip' }),
        'address',
        'global/addresses/vip|global/forwardingRules/fr-http',
      ],
      [
        'instanceGroup ← backendService',
        () => ctx.api.instanceGroups.delete({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' }),
        'instance_group',
        `zones/${ZONE}/instanceGroups/ig|global/backendServices/bs`,
      ],
    ];
    for (const [edge, call, type, paths] of cases) {
      it(edge, async () => {
        await loadBalancer(ctx.gce, ctx.api);
        const [used, user] = paths.split('|');
        const err = await expectApiError(call(), 400, 'resourceInUseByAnotherResource');
        expect(err.message).to.equal(
          `The ${type} resource 'projects/${PROJECT}/${used}' is already being used by 'projects/${PROJECT}/${user}'`,
        );
      });
    }

    it('networkEndpointGroup ← backendService', async () => {
      await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
      const group = await neg(ctx.api);
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: {
          name: 'bs',
          healthChecks: ['global/healthChecks/hc'],
          backends: [{ group, balancingMode: 'RATE', maxRatePerEndpoint: 1 }],
        },
      });
      const err = await expectApiError(
        ctx.api.networkEndpointGroups.delete({ project: PROJECT, zone: ZONE, networkEndpointGroup: 'neg' }),
        400,
        'resourceInUseByAnotherResource',
      );
      expect(err.message).to.contain('network_endpoint_group resource');
    });

    it('lets an address in use be released when configured to (the rule keeps its IP)', async () => {
      await loadBalancer(ctx.gce, ctx.api);
      const ip = (await ctx.api.globalAddresses.get({ project: PROJECT, address: 'vip' })).data.address;
      ctx.gce.setConfig({ addressDeleteWhileInUse: 'allow' });
      await ctx.api.globalAddresses.delete({ project: PROJECT, address: 'vip' });
      expect(
        (await ctx.api.globalForwardingRules.get({ project: PROJECT, forwardingRule: 'fr-http' })).data
          .IPAddress,
      ).to.equal(ip);
    });
  });

  it('tears the whole graph down in dependency order', async () => {
    await loadBalancer(ctx.gce, ctx.api);
    await ctx.api.globalForwardingRules.delete({ project: PROJECT, forwardingRule: 'fr-http' });
    await ctx.api.globalForwardingRules.delete({ project: PROJECT, forwardingRule: 'fr-https' });
    await ctx.api.globalAddresses.delete({ project: PROJECT, address: 'vip' });
    await ctx.api.targetHttpProxies.delete({ project: PROJECT, targetHttpProxy: 'http' });
    await ctx.api.targetHttpsProxies.delete({ project: PROJECT, targetHttpsProxy: 'https' });
    await ctx.api.sslCertificates.delete({ project: PROJECT, sslCertificate: 'cert' });
    await ctx.api.urlMaps.delete({ project: PROJECT, urlMap: 'um' });
    await ctx.api.backendServices.delete({ project: PROJECT, backendService: 'bs' });
    await ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'hc' });
    await ctx.api.instanceGroups.delete({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' });
    const left = ctx.gce.state().resources.map((r) => r.path);
    expect(left).to.deep.equal([
      `projects/${PROJECT}/global/networks/default`,
      `projects/${PROJECT}/zones/${ZONE}/instances/ig-vm`,
    ]);
  });

  it('answers 404 for delete and get of a missing resource of every LB kind', async () => {
    const calls = [
      ctx.api.globalAddresses.delete({ project: PROJECT, address: 'x' }),
      ctx.api.healthChecks.delete({ project: PROJECT, healthCheck: 'x' }),
      ctx.api.backendServices.delete({ project: PROJECT, backendService: 'x' }),
      ctx.api.urlMaps.delete({ project: PROJECT, urlMap: 'x' }),
      ctx.api.targetHttpProxies.delete({ project: PROJECT, targetHttpProxy: 'x' }),
      ctx.api.targetHttpsProxies.delete({ project: PROJECT, targetHttpsProxy: 'x' }),
      ctx.api.sslCertificates.get({ project: PROJECT, sslCertificate: 'x' }),
      ctx.api.globalForwardingRules.get({ project: PROJECT, forwardingRule: 'x' }),
      ctx.api.firewalls.delete({ project: PROJECT, firewall: 'x' }),
      ctx.api.networkEndpointGroups.delete({ project: PROJECT, zone: ZONE, networkEndpointGroup: 'x' }),
    ];
    for (const call of calls) await expectApiError(call, 404, 'notFound');
    expect(ctx.gce.calls().filter((c) => c.status === 404)).to.have.length(calls.length);
  });
});

// §8 rows "Cert handling" and the URL-map rules (path syntax, host rules, tests, size), plus the
// HTTPS proxy's certificate limits.
import { expect } from 'chai';
import { routeRequest } from '../../emulator/index.ts';
import { PROJECT, TLS, expectApiError, healthCheck, url, useEmulator } from './helpers.ts';

describe('emulator: SSL certificates', () => {
  const ctx = useEmulator();
  const insertCert = (name: string, certificate = TLS.chain, privateKey = TLS.key) =>
    ctx.api.sslCertificates.insert({ project: PROJECT, requestBody: { name, certificate, privateKey } });

  it('parses the chain and fills type, expireTime and subjectAlternativeNames', async () => {
    await insertCert('cert');
    const cert = (await ctx.api.sslCertificates.get({ project: PROJECT, sslCertificate: 'cert' })).data;
    expect(cert).to.include({ type: 'SELF_MANAGED', kind: 'compute#sslCertificate', certificate: TLS.chain });
    expect(cert.subjectAlternativeNames).to.deep.equal(['shop.example.com', 'www.shop.example.com']);
    expect(cert.expireTime).to.match(/^2126-11-0\dT\d\d:\d\d:\d\d\.000-07:00$/);
  });

  it('refuses a key that does not match, text that is not PEM, a missing key, and a chain over 5', async () => {
    const mismatch = await expectApiError(insertCert('c1', TLS.chain, TLS.otherKey), 400, 'invalid');
    expect(mismatch.message).to.contain('do not match');
    await expectApiError(insertCert('c2', 'not a certificate'), 400, 'invalid');
    await expectApiError(
      ctx.api.sslCertificates.insert({
        project: PROJECT,
        requestBody: { name: 'c3', certificate: TLS.chain },
      }),
      400,
      'required',
    );
    await expectApiError(insertCert('c4', TLS.chain.repeat(3)), 400, 'invalid');
  });

  it('starts managed certificates PROVISIONING until provisioning is simulated', async () => {
    await ctx.api.sslCertificates.insert({
      project: PROJECT,
      requestBody: { name: 'm', type: 'MANAGED', managed: { domains: ['shop.example.com'] } },
    });
    const before = (await ctx.api.sslCertificates.get({ project: PROJECT, sslCertificate: 'm' })).data;
    expect(before.managed).to.deep.equal({
      domains: ['shop.example.com'],
      status: 'PROVISIONING',
      domainStatus: { 'shop.example.com': 'PROVISIONING' },
    });
    ctx.gce.setManagedCertificateStatus('m', 'ACTIVE');
    expect(
      (await ctx.api.sslCertificates.get({ project: PROJECT, sslCertificate: 'm' })).data.managed?.status,
    ).to.equal('ACTIVE');
  });

  it('has no update method', async () => {
    await insertCert('cert');
    const res = await fetch(`${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/sslCertificates/cert`, {
      method: 'PUT',
      body: '{}',
    });
    expect(res.status).to.equal(404);
  });

  it('attaches 1 to 15 certificates to an HTTPS proxy and replaces the list with setSslCertificates', async () => {
    await healthCheck(ctx.api);
    await ctx.api.backendServices.insert({
      project: PROJECT,
      requestBody: { name: 'bs', healthChecks: ['global/healthChecks/hc'] },
    });
    await ctx.api.urlMaps.insert({
      project: PROJECT,
      requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
    });
    const names = Array.from({ length: 16 }, (_, i) => `c${i}`);
    for (const n of names) await insertCert(n);
    const refs = names.map((n) => `global/sslCertificates/${n}`);
    await expectApiError(
      ctx.api.targetHttpsProxies.insert({
        project: PROJECT,
        requestBody: { name: 'p', urlMap: 'global/urlMaps/um', sslCertificates: [] },
      }),
      400,
      'invalid',
    );
    const tooMany = await expectApiError(
      ctx.api.targetHttpsProxies.insert({
        project: PROJECT,
        requestBody: { name: 'p', urlMap: 'global/urlMaps/um', sslCertificates: refs },
      }),
      400,
      'invalid',
    );
    expect(tooMany.message).to.contain('At most 15');
    await ctx.api.targetHttpsProxies.insert({
      project: PROJECT,
      requestBody: { name: 'p', urlMap: 'global/urlMaps/um', sslCertificates: refs.slice(0, 15) },
    });
    await ctx.api.targetHttpsProxies.setSslCertificates({
      project: PROJECT,
      targetHttpsProxy: 'p',
      requestBody: { sslCertificates: ['global/sslCertificates/c15'] },
    });
    expect(ctx.gce.calls().at(-1)?.path).to.equal(
      `/compute/v1/projects/${PROJECT}/targetHttpsProxies/p/setSslCertificates`,
    );
    const proxy = (await ctx.api.targetHttpsProxies.get({ project: PROJECT, targetHttpsProxy: 'p' })).data;
    expect(proxy.sslCertificates).to.deep.equal([url('global/sslCertificates/c15')]);
    await ctx.api.sslCertificates.delete({ project: PROJECT, sslCertificate: 'c0' });
  });
});

describe('emulator: URL maps', () => {
  const ctx = useEmulator();
  const insert = (body: object) =>
    ctx.api.urlMaps.insert({ project: PROJECT, requestBody: { name: 'um', ...body } });

  beforeEach(async () => {
    await healthCheck(ctx.api);
    for (const n of ['web', 'api']) {
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: { name: n, healthChecks: ['global/healthChecks/hc'] },
      });
    }
  });

  const matcher = (paths: string[]) => ({
    defaultService: 'global/backendServices/web',
    hostRules: [{ hosts: ['shop.example.com'], pathMatcher: 'pm' }],
    pathMatchers: [
      {
        name: 'pm',
        defaultService: 'global/backendServices/web',
        pathRules: [{ paths, service: 'global/backendServices/api' }],
      },
    ],
  });

  it('checks path syntax: 1-1024 characters, a leading /, * only at the end after /', async () => {
    const empty = await expectApiError(insert(matcher([''])), 400, 'invalid');
    expect(empty.message).to.contain('Must have between 1 and 1024 character(s)');
    await expectApiError(insert(matcher(['api'])), 400, 'invalid');
    await expectApiError(insert(matcher(['/a*b'])), 400, 'invalid');
    await expectApiError(insert(matcher(['/a?b'])), 400, 'invalid');
    await insert(matcher(['/api', '/api/*']));
  });

  it('needs exactly one default action and host rules naming existing path matchers', async () => {
    await expectApiError(insert({}), 400, 'invalid');
    await expectApiError(
      insert({ defaultService: 'global/backendServices/web', defaultUrlRedirect: { httpsRedirect: true } }),
      400,
      'invalid',
    );
    const m = matcher(['/api']);
    await expectApiError(
      insert({ ...m, hostRules: [{ hosts: ['shop.example.com'], pathMatcher: 'nope' }] }),
      400,
      'invalid',
    );
    await expectApiError(
      insert({ ...m, hostRules: [...m.hostRules, { hosts: ['shop.example.com'], pathMatcher: 'pm' }] }),
      400,
      'invalid',
    );
    await insert({
      defaultUrlRedirect: { httpsRedirect: true, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
    });
  });

  it('runs tests[] and refuses a map whose test fails', async () => {
    const m = matcher(['/api/*']);
    const failing = await expectApiError(
      insert({
        ...m,
        tests: [{ host: 'shop.example.com', path: '/api/x', service: 'global/backendServices/web' }],
      }),
      400,
      'invalid',
    );
    expect(failing.message).to.contain('Test failure');
    await insert({
      ...m,
      tests: [{ host: 'shop.example.com', path: '/api/x', service: 'global/backendServices/api' }],
    });
  });

  it('refuses a map over 64 KB', async () => {
    const paths = Array.from(
      { length: 1000 },
      (_, i) => `/a-rather-long-path-segment-to-fill-the-map/${i}/${'x'.repeat(40)}`,
    );
    const err = await expectApiError(insert(matcher(paths)), 400, 'invalid');
    expect(err.message).to.contain('above the limit of 65536 bytes');
  });

  it('validates a candidate map without storing it', async () => {
    await insert(matcher(['/api']));
    const ok = await ctx.api.urlMaps.validate({
      project: PROJECT,
      urlMap: 'um',
      requestBody: { resource: matcher(['/v2']) },
    });
    expect(ok.data.result).to.deep.equal({ loadSucceeded: true, testPassed: true });
    const bad = await ctx.api.urlMaps.validate({
      project: PROJECT,
      urlMap: 'um',
      requestBody: { resource: matcher(['v2']) },
    });
    expect(bad.data.result?.loadSucceeded).to.equal(false);
    const failing = await ctx.api.urlMaps.validate({
      project: PROJECT,
      urlMap: 'um',
      requestBody: {
        resource: {
          ...matcher(['/v2']),
          tests: [{ host: 'shop.example.com', path: '/v2', service: 'global/backendServices/web' }],
        },
      },
    });
    expect(failing.data.result?.testPassed).to.equal(false);
    expect(failing.data.result?.testFailures).to.deep.equal([
      {
        host: 'shop.example.com',
        path: '/v2',
        expectedService: url('global/backendServices/web'),
        actualService: url('global/backendServices/api'),
      },
    ]);
    const stored = (await ctx.api.urlMaps.get({ project: PROJECT, urlMap: 'um' })).data;
    expect(stored.pathMatchers?.[0]?.pathRules?.[0]?.paths).to.deep.equal(['/api']);
  });

  it('routes requests like GCE: exact host before wildcard, longest path, then defaults', async () => {
    await insert({
      defaultService: 'global/backendServices/web',
      hostRules: [
        { hosts: ['*.example.com'], pathMatcher: 'wild' },
        { hosts: ['shop.example.com'], pathMatcher: 'shop' },
      ],
      pathMatchers: [
        { name: 'wild', defaultService: 'global/backendServices/api' },
        {
          name: 'shop',
          defaultService: 'global/backendServices/web',
          pathRules: [
            { paths: ['/api/*'], service: 'global/backendServices/api' },
            { paths: ['/api/v1/*'], service: 'global/backendServices/web' },
          ],
        },
      ],
    });
    const um = (await ctx.api.urlMaps.get({ project: PROJECT, urlMap: 'um' })).data as Record<
      string,
      unknown
    >;
    const svc = (host: string, path: string) => {
      const r = routeRequest(um, host, path);
      return 'service' in r ? r.service.split('/').pop() : 'none';
    };
    expect(svc('shop.example.com', '/api/x')).to.equal('api');
    expect(svc('shop.example.com', '/api/v1/x')).to.equal('web');
    expect(svc('blog.example.com', '/anything')).to.equal('api');
    expect(svc('other.org', '/api/x')).to.equal('web');
  });
});

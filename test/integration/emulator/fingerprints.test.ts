// §8 row "Fingerprint checks": required on update/patch, 412 when stale, rotated by every change
// (set* calls included), optional on setNamedPorts, label fingerprints on setLabels.
import { expect } from 'chai';
import { PROJECT, TLS, ZONE, expectApiError, loadBalancer, useEmulator } from './helpers.ts';

describe('emulator: fingerprints', () => {
  const ctx = useEmulator();
  const getBs = () =>
    ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs' }).then((r) => r.data);

  beforeEach(() => loadBalancer(ctx.gce, ctx.api));

  it('refuses update and patch without a fingerprint (400 required)', async () => {
    const { fingerprint: _fp, ...body } = await getBs();
    const err = await expectApiError(
      ctx.api.backendServices.update({ project: PROJECT, backendService: 'bs', requestBody: body }),
      400,
      'required',
    );
    expect(err.message).to.equal("Required field 'resource.fingerprint' not specified");
    await expectApiError(
      ctx.api.urlMaps.patch({ project: PROJECT, urlMap: 'um', requestBody: { description: 'x' } }),
      400,
      'required',
    );
    await expectApiError(
      ctx.api.targetHttpProxies.patch({
        project: PROJECT,
        targetHttpProxy: 'http',
        requestBody: { description: 'x' },
      }),
      400,
      'required',
    );
  });

  it('refuses a stale fingerprint with 412 conditionNotMet "Invalid fingerprint."', async () => {
    const stale = await getBs();
    await ctx.api.backendServices.update({
      project: PROJECT,
      backendService: 'bs',
      requestBody: { ...stale, timeoutSec: 40 },
    });
    const err = await expectApiError(
      ctx.api.backendServices.update({
        project: PROJECT,
        backendService: 'bs',
        requestBody: { ...stale, timeoutSec: 50 },
      }),
      412,
      'conditionNotMet',
    );
    expect(err.message).to.equal('Invalid fingerprint.');
    expect(err.body.error.status).to.equal('FAILED_PRECONDITION');
    expect((await getBs()).timeoutSec).to.equal(40);
  });

  it('rotates the fingerprint on update, patch and every set* call', async () => {
    const seen = new Set<string>();
    const note = (fp: unknown) => {
      expect(seen.has(String(fp)), `fingerprint ${String(fp)} repeated`).to.equal(false);
      seen.add(String(fp));
    };
    const bs = await getBs();
    note(bs.fingerprint);
    await ctx.api.backendServices.update({
      project: PROJECT,
      backendService: 'bs',
      requestBody: { ...bs, timeoutSec: 31 },
    });
    const bs2 = await getBs();
    note(bs2.fingerprint);
    await ctx.api.backendServices.patch({
      project: PROJECT,
      backendService: 'bs',
      requestBody: { fingerprint: bs2.fingerprint, timeoutSec: 32 },
    });
    note((await getBs()).fingerprint);

    const proxy = () =>
      ctx.api.targetHttpsProxies.get({ project: PROJECT, targetHttpsProxy: 'https' }).then((r) => r.data);
    note((await proxy()).fingerprint);
    await ctx.api.urlMaps.insert({
      project: PROJECT,
      requestBody: { name: 'um2', defaultService: 'global/backendServices/bs' },
    });
    await ctx.api.targetHttpsProxies.setUrlMap({
      project: PROJECT,
      targetHttpsProxy: 'https',
      requestBody: { urlMap: 'global/urlMaps/um2' },
    });
    note((await proxy()).fingerprint);
    await ctx.api.sslCertificates.insert({
      project: PROJECT,
      requestBody: { name: 'cert2', certificate: TLS.chain, privateKey: TLS.key },
    });
    await ctx.api.targetHttpsProxies.setSslCertificates({
      project: PROJECT,
      targetHttpsProxy: 'https',
      requestBody: { sslCertificates: ['global/sslCertificates/cert2'] },
    });
    const after = await proxy();
    note(after.fingerprint);
    expect(after.sslCertificates).to.deep.equal([
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/sslCertificates/cert2`,
    ]);

    const fr = () =>
      ctx.api.globalForwardingRules.get({ project: PROJECT, forwardingRule: 'fr-http' }).then((r) => r.data);
    const before = await fr();
    note(before.fingerprint);
    await ctx.api.targetHttpProxies.insert({
      project: PROJECT,
      requestBody: { name: 'http2', urlMap: 'global/urlMaps/um' },
    });
    await ctx.api.globalForwardingRules.setTarget({
      project: PROJECT,
      forwardingRule: 'fr-http',
      requestBody: { target: 'global/targetHttpProxies/http2' },
    });
    const moved = await fr();
    note(moved.fingerprint);
    await ctx.api.globalForwardingRules.setLabels({
      project: PROJECT,
      resource: 'fr-http',
      requestBody: { labels: { owner: 'kubemci' }, labelFingerprint: moved.labelFingerprint },
    });
    const labelled = await fr();
    expect(labelled.labels).to.deep.equal({ owner: 'kubemci' });
    expect(labelled.labelFingerprint).to.not.equal(moved.labelFingerprint);
    note(labelled.fingerprint);
  });

  it('checks the label fingerprint of setLabels (412 against If-Match)', async () => {
    const err = await expectApiError(
      ctx.api.globalAddresses.setLabels({
        project: PROJECT,
        resource: 'vip',
        requestBody: { labels: { a: 'b' }, labelFingerprint: 'c3RhbGU=' },
      }),
      412,
      'conditionNotMet',
    );
    expect(err.body.error.errors[0]).to.include({ location: 'If-Match', locationType: 'header' });
    const vip = (await ctx.api.globalAddresses.get({ project: PROJECT, address: 'vip' })).data;
    await ctx.api.globalAddresses.setLabels({
      project: PROJECT,
      resource: 'vip',
      requestBody: { labels: { a: 'b' }, labelFingerprint: vip.labelFingerprint },
    });
    expect(
      (await ctx.api.globalAddresses.get({ project: PROJECT, address: 'vip' })).data.labels,
    ).to.deep.equal({ a: 'b' });
  });

  it('takes an optional fingerprint on setNamedPorts, which replaces the list', async () => {
    const ig = () =>
      ctx.api.instanceGroups.get({ project: PROJECT, zone: ZONE, instanceGroup: 'ig' }).then((r) => r.data);
    const first = await ig();
    await ctx.api.instanceGroups.setNamedPorts({
      project: PROJECT,
      zone: ZONE,
      instanceGroup: 'ig',
      requestBody: { namedPorts: [{ name: 'port30081', port: 30081 }] },
    });
    const second = await ig();
    expect(second.namedPorts).to.deep.equal([{ name: 'port30081', port: 30081 }]);
    expect(second.fingerprint).to.not.equal(first.fingerprint);
    await expectApiError(
      ctx.api.instanceGroups.setNamedPorts({
        project: PROJECT,
        zone: ZONE,
        instanceGroup: 'ig',
        requestBody: { namedPorts: [], fingerprint: first.fingerprint },
      }),
      412,
      'conditionNotMet',
    );
    await ctx.api.instanceGroups.setNamedPorts({
      project: PROJECT,
      zone: ZONE,
      instanceGroup: 'ig',
      requestBody: {
        namedPorts: [
          { name: 'http', port: 30080 },
          { name: 'port30081', port: 30081 },
        ],
        fingerprint: second.fingerprint,
      },
    });
    expect((await ig()).namedPorts).to.have.length(2);
  });

  it('ignores a fingerprint sent on insert', async () => {
    await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc2', type: 'HTTP' } });
    await ctx.api.backendServices.insert({
      project: PROJECT,
      requestBody: { name: 'bs2', fingerprint: 'Ym9ndXM=', healthChecks: ['global/healthChecks/hc2'] },
    });
    expect(
      (await ctx.api.backendServices.get({ project: PROJECT, backendService: 'bs2' })).data.fingerprint,
    ).to.not.equal('Ym9ndXM=');
  });
});

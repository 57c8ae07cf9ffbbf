// §8 rows "URL routing" and "Auth": the paths @googleapis/compute really requests with a rootUrl,
// the proxies' custom methods without `global/`, POST-only list/wait methods, tokens accepted or not.
import { expect } from 'chai';
import { startEmulator } from '../../emulator/index.ts';
import { PROJECT, ZONE, client, expectApiError, healthCheck, useEmulator } from './helpers.ts';

describe('emulator: URL routing and auth', () => {
  const ctx = useEmulator();

  it('serves the paths the client library builds from rootUrl (rootUrl + compute/v1/projects/...)', async () => {
    const res = await ctx.api.healthChecks.list({ project: PROJECT });
    expect(new URL(String(res.config.url)).pathname).to.equal(
      `/compute/v1/projects/${PROJECT}/global/healthChecks`,
    );
    expect(ctx.gce.calls().map((c) => [c.method, c.path])).to.deep.equal([
      ['compute.healthChecks.list', `/compute/v1/projects/${PROJECT}/global/healthChecks`],
    ]);
  });

  it("routes a proxy's setUrlMap without the global/ segment", async () => {
    await healthCheck(ctx.api);
    await ctx.api.backendServices.insert({
      project: PROJECT,
      requestBody: { name: 'bs', healthChecks: ['global/healthChecks/hc'] },
    });
    await ctx.api.urlMaps.insert({
      project: PROJECT,
      requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
    });
    await ctx.api.urlMaps.insert({
      project: PROJECT,
      requestBody: { name: 'um2', defaultService: 'global/backendServices/bs' },
    });
    await ctx.api.targetHttpProxies.insert({
      project: PROJECT,
      requestBody: { name: 'tp', urlMap: 'global/urlMaps/um' },
    });
    await ctx.api.targetHttpProxies.setUrlMap({
      project: PROJECT,
      targetHttpProxy: 'tp',
      requestBody: { urlMap: 'global/urlMaps/um2' },
    });
    const last = ctx.gce.calls().at(-1);
    expect(last).to.include({ method: 'compute.targetHttpProxies.setUrlMap', status: 200 });
    expect(last?.path).to.equal(`/compute/v1/projects/${PROJECT}/targetHttpProxies/tp/setUrlMap`);
  });

  it('serves listInstances, listNetworkEndpoints and operations.wait as POST', async () => {
    await ctx.api.instanceGroups.insert({ project: PROJECT, zone: ZONE, requestBody: { name: 'ig' } });
    await ctx.api.instanceGroups.listInstances({
      project: PROJECT,
      zone: ZONE,
      instanceGroup: 'ig',
      requestBody: {},
    });
    await ctx.api.networkEndpointGroups.insert({
      project: PROJECT,
      zone: ZONE,
      requestBody: { name: 'neg', defaultPort: 80 },
    });
    await ctx.api.networkEndpointGroups.listNetworkEndpoints({
      project: PROJECT,
      zone: ZONE,
      networkEndpointGroup: 'neg',
    });
    const op = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'hc', type: 'TCP' },
    });
    await ctx.api.globalOperations.wait({ project: PROJECT, operation: String(op.data.name) });
    const posts = ctx.gce
      .calls()
      .filter((c) => /listInstances|listNetworkEndpoints|wait/.test(c.method))
      .map((c) => `${c.httpMethod} ${c.method} ${c.status}`);
    expect(posts).to.deep.equal([
      'POST compute.instanceGroups.listInstances 200',
      'POST compute.networkEndpointGroups.listNetworkEndpoints 200',
      'POST compute.globalOperations.wait 200',
    ]);
  });

  it('accepts a bearer token and no token alike', async () => {
    const withToken = client(ctx.gce, true);
    const r1 = await withToken.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'a', type: 'HTTP' },
    });
    const r2 = await ctx.api.healthChecks.insert({
      project: PROJECT,
      requestBody: { name: 'b', type: 'HTTP' },
    });
    expect([r1.data.status, r2.data.status]).to.deep.equal(['DONE', 'DONE']);
    const auth = (r1.config.headers as Headers).get('authorization');
    expect(auth).to.equal('Bearer x');
  });

  it('tolerates the global query parameters (alt, prettyPrint, fields, quotaUser, key)', async () => {
    await healthCheck(ctx.api);
    const res = await fetch(
      `${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/healthChecks/hc?alt=json&prettyPrint=false&quotaUser=u&key=k&fields=name`,
    );
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { name: string }).name).to.equal('hc');
  });

  it('gets a resource by its numeric id as well as by name', async () => {
    await healthCheck(ctx.api);
    const byName = await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' });
    const byId = await ctx.api.healthChecks.get({ project: PROJECT, healthCheck: String(byName.data.id) });
    expect(byId.data.name).to.equal('hc');
  });

  it('answers 404 for an unknown project, zone or path, and logs the call as unknown', async () => {
    await expectApiError(ctx.api.healthChecks.list({ project: 'other-project' }), 404, 'notFound');
    await expectApiError(
      ctx.api.instanceGroups.list({ project: PROJECT, zone: 'mars-north1-a' }),
      404,
      'notFound',
    );
    const res = await fetch(`${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/nothingHere`);
    expect(res.status).to.equal(404);
    expect(ctx.gce.calls().at(-1)).to.include({ method: 'unknown', status: 404 });
  });

  it('refuses a body that is not JSON with 400 parseError', async () => {
    const res = await fetch(`${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/healthChecks`, {
      method: 'POST',
      body: '{nope',
    });
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { error: { errors: { reason: string }[] } };
    expect(body.error.errors[0]?.reason).to.equal('parseError');
  });

  it('serves zones, regions, the project and the default network', async () => {
    const zones = await ctx.api.zones.list({ project: PROJECT });
    expect(zones.data.items?.map((z) => z.name)).to.include.members([
      'us-central1-a',
      'europe-west1-b',
      'asia-east1-a',
    ]);
    const zone = await ctx.api.zones.get({ project: PROJECT, zone: ZONE });
    expect(zone.data.region).to.equal(
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1`,
    );
    const region = await ctx.api.regions.get({ project: PROJECT, region: 'europe-west1' });
    expect(region.data.zones).to.have.length(3);
    const project = await ctx.api.projects.get({ project: PROJECT });
    expect(project.data.name).to.equal(PROJECT);
    expect(project.data.quotas?.find((q) => q.metric === 'BACKEND_SERVICES')?.usage).to.equal(0);
    const net = await ctx.api.networks.get({ project: PROJECT, network: 'default' });
    expect(net.data).to.include({ kind: 'compute#network', name: 'default', autoCreateSubnetworks: true });
    expect((await ctx.api.networks.list({ project: PROJECT })).data.items).to.have.length(1);
  });
});

describe('emulator: selfLinks on its own endpoint', () => {
  it('writes links under its own URL when started with selfLinks: endpoint, and keeps them after reset', async () => {
    const gce = await startEmulator({ project: PROJECT, selfLinks: 'endpoint' });
    try {
      const api = client(gce);
      await healthCheck(api);
      const hc = (await api.healthChecks.get({ project: PROJECT, healthCheck: 'hc' })).data;
      expect(hc.selfLink).to.equal(`${gce.endpoint}compute/v1/projects/${PROJECT}/global/healthChecks/hc`);
      gce.reset({ config: true });
      const net = (await api.networks.get({ project: PROJECT, network: 'default' })).data;
      expect(net.selfLink).to.equal(`${gce.endpoint}compute/v1/projects/${PROJECT}/global/networks/default`);
    } finally {
      await gce.close();
    }
  });
});

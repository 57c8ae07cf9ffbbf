// §8 rows "FR immutability & conflicts" and "Address allocation/promotion".
import { expect } from 'chai';
import { PROJECT, expectApiError, loadBalancer, useEmulator } from './helpers.ts';

describe('emulator: forwarding rules and addresses', () => {
  const ctx = useEmulator();
  const address = (name: string) =>
    ctx.api.globalAddresses.get({ project: PROJECT, address: name }).then((r) => r.data);
  const rule = (name: string) =>
    ctx.api.globalForwardingRules.get({ project: PROJECT, forwardingRule: name }).then((r) => r.data);

  beforeEach(() => loadBalancer(ctx.gce, ctx.api));

  it('allocates distinct IPs from the test range to reserved addresses', async () => {
    await ctx.api.globalAddresses.insert({ project: PROJECT, requestBody: { name: 'a1' } });
    await ctx.api.globalAddresses.insert({ project: PROJECT, requestBody: { name: 'a2' } });
    const [a1, a2] = [await address('a1'), await address('a2')];
    expect(a1.address).to.match(/^198\.18\.\d+\.\d+$/);
    expect(a2.address).to.match(/^198\.18\.\d+\.\d+$/);
    expect(a1.address).to.not.equal(a2.address);
    expect(a1).to.include({
      status: 'RESERVED',
      addressType: 'EXTERNAL',
      networkTier: 'PREMIUM',
      kind: 'compute#address',
    });
    expect(a1).to.not.have.property('users');
  });

  it('tracks status IN_USE and users[] while forwarding rules hold the IP', async () => {
    const vip = await address('vip');
    expect(vip.status).to.equal('IN_USE');
    expect(vip.users).to.have.members([
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/forwardingRules/fr-http`,
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/forwardingRules/fr-https`,
    ]);
    await ctx.api.globalForwardingRules.delete({ project: PROJECT, forwardingRule: 'fr-http' });
    await ctx.api.globalForwardingRules.delete({ project: PROJECT, forwardingRule: 'fr-https' });
    expect((await address('vip')).status).to.equal('RESERVED');
  });

  it('returns the literal IP whether the rule named the address by URL, name or IP', async () => {
    const vip = await address('vip');
    expect((await rule('fr-http')).IPAddress).to.equal(vip.address);
    await ctx.api.globalAddresses.insert({ project: PROJECT, requestBody: { name: 'v2' } });
    const v2 = await address('v2');
    await ctx.api.globalForwardingRules.insert({
      project: PROJECT,
      requestBody: {
        name: 'by-name',
        target: 'global/targetHttpProxies/http',
        portRange: '80',
        IPAddress: 'v2',
      },
    });
    await ctx.api.globalForwardingRules.insert({
      project: PROJECT,
      requestBody: {
        name: 'by-ip',
        target: 'global/targetHttpProxies/http',
        portRange: '8080',
        IPAddress: v2.address,
      },
    });
    expect((await rule('by-name')).IPAddress).to.equal(v2.address);
    expect((await rule('by-ip')).portRange).to.equal('8080-8080');
  });

  it('refuses a second rule on the same IP, protocol and port, and allows 80 and 443 to share an IP', async () => {
    const err = await expectApiError(
      ctx.api.globalForwardingRules.insert({
        project: PROJECT,
        requestBody: {
          name: 'dup',
          target: 'global/targetHttpProxies/http',
          portRange: '80-80',
          IPAddress: 'global/addresses/vip',
        },
      }),
      400,
      'invalid',
    );
    expect(err.message).to.contain('Specified IP address is in-use and would result in a conflict.');
    expect((await rule('fr-https')).IPAddress).to.equal((await rule('fr-http')).IPAddress);
  });

  it('gives an ephemeral IP when none is named, and promotes it to a static address on request', async () => {
    await ctx.api.globalForwardingRules.insert({
      project: PROJECT,
      requestBody: { name: 'eph', target: 'global/targetHttpProxies/http', portRange: '8080' },
    });
    const ip = String((await rule('eph')).IPAddress);
    expect(ip).to.match(/^198\.19\.\d+\.\d+$/);
    await ctx.api.globalAddresses.insert({
      project: PROJECT,
      requestBody: { name: 'promoted', address: ip },
    });
    const promoted = await address('promoted');
    expect(promoted).to.include({ address: ip, status: 'IN_USE' });
    expect(promoted.users).to.deep.equal([
      `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/forwardingRules/eph`,
    ]);
    const dup = await expectApiError(
      ctx.api.globalAddresses.insert({ project: PROJECT, requestBody: { name: 'again', address: ip } }),
      400,
      'invalid',
    );
    expect(dup.message).to.contain('already reserved');
  });

  it('refuses to reserve an internal IP twice with 409', async () => {
    await ctx.api.globalAddresses.insert({
      project: PROJECT,
      requestBody: {
        name: 'i1',
        addressType: 'INTERNAL',
        purpose: 'VPC_PEERING',
        address: '10.50.0.0',
        prefixLength: 16,
        network: 'global/networks/default',
      },
    });
    await expectApiError(
      ctx.api.globalAddresses.insert({
        project: PROJECT,
        requestBody: {
          name: 'i2',
          addressType: 'INTERNAL',
          purpose: 'VPC_PEERING',
          address: '10.50.0.0',
          prefixLength: 16,
        },
      }),
      409,
    );
  });

  it('refuses an IP literal that is not reserved, and ports the proxy type does not serve', async () => {
    await expectApiError(
      ctx.api.globalForwardingRules.insert({
        project: PROJECT,
        requestBody: {
          name: 'x',
          target: 'global/targetHttpProxies/http',
          portRange: '80',
          IPAddress: '203.0.113.9',
        },
      }),
      400,
      'invalid',
    );
    const https = await expectApiError(
      ctx.api.globalForwardingRules.insert({
        project: PROJECT,
        requestBody: { name: 'x', target: 'global/targetHttpsProxies/https', portRange: '80' },
      }),
      400,
      'invalid',
    );
    expect(https.message).to.contain('resource.portRange');
    await expectApiError(
      ctx.api.globalForwardingRules.insert({
        project: PROJECT,
        requestBody: { name: 'x', target: 'global/targetHttpProxies/http' },
      }),
      400,
      'required',
    );
  });

  it('changes only the target (same proxy type), labels and networkTier in place', async () => {
    const before = await rule('fr-http');
    await expectApiError(
      ctx.api.globalForwardingRules.patch({
        project: PROJECT,
        forwardingRule: 'fr-http',
        requestBody: { fingerprint: before.fingerprint, portRange: '8080-8080' },
      }),
      400,
      'invalid',
    );
    await ctx.api.globalForwardingRules.patch({
      project: PROJECT,
      forwardingRule: 'fr-http',
      requestBody: { fingerprint: before.fingerprint, networkTier: 'PREMIUM' },
    });
    await expectApiError(
      ctx.api.globalForwardingRules.setTarget({
        project: PROJECT,
        forwardingRule: 'fr-http',
        requestBody: { target: 'global/targetHttpsProxies/https' },
      }),
      400,
      'invalid',
    );
    const put = await fetch(
      `${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/forwardingRules/fr-http`,
      {
        method: 'PUT',
        body: JSON.stringify({ ...before, portRange: '8080' }),
      },
    );
    expect(put.status).to.equal(404);
    expect((await rule('fr-http')).portRange).to.equal('80-80');
  });
});

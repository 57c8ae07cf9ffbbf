// gcloud round trips (brief item 6): the installed gcloud CLI, its compute endpoint pointed at the
// emulator, creates, describes, lists (paged), updates and deletes every load-balancer resource
// type, and meets the errors GCE would give. gcloud is slow to start, so invocations are few.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { PROJECT, TLS, ZONE, healthCheck, instanceGroup, url, useEmulator } from './helpers.ts';

const GCLOUD = ['/usr/bin/gcloud', '/usr/local/bin/gcloud'].find((p) => existsSync(p));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface GcloudResult {
  code: number;
  json: unknown;
  stderr: string;
}

(GCLOUD ? describe : describe.skip)(
  `emulator: gcloud round trips${GCLOUD ? '' : ' (gcloud is not installed)'}`,
  function () {
    this.timeout(120_000);
    const ctx = useEmulator();
    let dir = '';
    let invocations = 0;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'gcloud-emulator-'));
      writeFileSync(join(dir, 'token'), 'x\n');
    });
    after(() => {
      rmSync(dir, { recursive: true, force: true });
      console.log(`      (${invocations} gcloud invocations)`);
    });

    /** Runs `gcloud <args>` against the emulator with --format=json and returns its exit code, JSON and stderr. */
    function gcloud(...args: string[]): Promise<GcloudResult> {
      invocations += 1;
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLOUDSDK_')) env[k] = v;
      Object.assign(env, {
        CLOUDSDK_CONFIG: join(dir, 'config'),
        CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${ctx.gce.endpoint}compute/v1/`,
        CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1',
        CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
        CLOUDSDK_CORE_CHECK_GCE_METADATA: 'false',
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      });
      const argv = [
        ...args,
        `--access-token-file=${join(dir, 'token')}`,
        `--project=${PROJECT}`,
        '--quiet',
        '--format=json',
      ];
      // Operations take a little while under gcloud, so that it waits on them as it would on GCE;
      // the test's own setup calls run with instant operations.
      ctx.gce.setConfig({ opLatency: 50 });
      return new Promise((resolve) => {
        execFile(GCLOUD as string, argv, { env, timeout: 60_000 }, (err, stdout, stderr) => {
          ctx.gce.setConfig({ opLatency: 0 });
          const code = err ? Number((err as { code?: unknown }).code ?? 1) : 0;
          let json: unknown;
          try {
            json = stdout.trim() === '' ? undefined : JSON.parse(stdout);
          } catch {
            json = stdout;
          }
          resolve({ code, json, stderr });
        });
      });
    }

    /** Expects success and returns the JSON gcloud printed. */
    async function ok(...args: string[]): Promise<unknown> {
      const r = await gcloud(...args);
      expect(r.code, `gcloud ${args.join(' ')}: ${r.stderr}`).to.equal(0);
      return r.json;
    }

    /** Expects success and one resource, which gcloud prints alone or as a one-element list; returns it. */
    async function one(...args: string[]): Promise<Record<string, unknown>> {
      const json = await ok(...args);
      if (!Array.isArray(json)) return json as Record<string, unknown>;
      expect(json, JSON.stringify(json)).to.have.length(1);
      return json[0] as Record<string, unknown>;
    }

    async function fails(pattern: RegExp, ...args: string[]): Promise<void> {
      const r = await gcloud(...args);
      expect(r.code, `gcloud ${args.join(' ')} should fail`).to.not.equal(0);
      expect(r.stderr).to.match(pattern);
    }

    const names = (list: unknown) => (list as { name: string }[]).map((x) => x.name);
    const calls = (method: string) => ctx.gce.calls().filter((c) => c.method === method);

    it('health checks: create, list paged, update, delete, and 404 after', async () => {
      const hc = await one(
        'compute',
        'health-checks',
        'create',
        'http',
        'hc',
        '--request-path=/healthz',
        '--port=8080',
      );
      expect(hc).to.include({ name: 'hc', type: 'HTTP', checkIntervalSec: 5, timeoutSec: 5 });
      expect(hc.httpHealthCheck).to.include({ port: 8080, requestPath: '/healthz', proxyHeader: 'NONE' });
      await healthCheck(ctx.api, 'hc-2');
      ctx.gce.clearCalls();
      expect(names(await ok('compute', 'health-checks', 'list', '--page-size=1'))).to.deep.equal([
        'hc',
        'hc-2',
      ]);
      expect(calls('compute.healthChecks.aggregatedList')).to.have.length(2);
      const updated = await one('compute', 'health-checks', 'update', 'http', 'hc', '--request-path=/ready');
      expect((updated.httpHealthCheck as { requestPath: string }).requestPath).to.equal('/ready');
      await ok('compute', 'health-checks', 'delete', 'hc');
      await fails(
        /The resource 'projects\/test-project\/global\/healthChecks\/hc' was not found/,
        'compute',
        'health-checks',
        'describe',
        'hc',
      );
    });

    it('backend services: create, add-backend, update, list paged, get-health, describe, delete (refused while in use)', async () => {
      await healthCheck(ctx.api);
      await instanceGroup(ctx.gce, ctx.api);
      const bs = await one(
        'compute',
        'backend-services',
        'create',
        'bs',
        '--global',
        '--protocol=HTTP',
        '--health-checks=hc',
        '--port-name=http',
      );
      expect(bs).to.include({
        name: 'bs',
        protocol: 'HTTP',
        loadBalancingScheme: 'EXTERNAL',
        timeoutSec: 30,
      });
      await one(
        'compute',
        'backend-services',
        'add-backend',
        'bs',
        '--global',
        '--instance-group=ig',
        `--instance-group-zone=${ZONE}`,
      );
      expect(calls('compute.backendServices.update').map((c) => c.status)).to.deep.equal([200]);
      const updated = await one('compute', 'backend-services', 'update', 'bs', '--global', '--timeout=45');
      expect(updated.timeoutSec).to.equal(45);
      await ctx.api.backendServices.insert({ project: PROJECT, requestBody: { name: 'bs-2' } });
      expect(names(await ok('compute', 'backend-services', 'list', '--page-size=1'))).to.deep.equal([
        'bs',
        'bs-2',
      ]);
      ctx.gce.setInstanceHealth(ZONE, 'ig-vm', 'UNHEALTHY');
      const health = await ok('compute', 'backend-services', 'get-health', 'bs', '--global');
      expect(JSON.stringify(health)).to.contain('"healthState":"UNHEALTHY"');
      const described = (await ok('compute', 'backend-services', 'describe', 'bs', '--global')) as Record<
        string,
        unknown
      >;
      expect((described.backends as { group: string; balancingMode: string }[])[0]).to.include({
        group: url(`zones/${ZONE}/instanceGroups/ig`),
        balancingMode: 'UTILIZATION',
      });
      await ctx.api.urlMaps.insert({
        project: PROJECT,
        requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
      });
      await fails(
        /The backend_service resource '.*bs' is already being used by '.*urlMaps\/um'/,
        'compute',
        'backend-services',
        'delete',
        'bs',
        '--global',
      );
      await ctx.api.urlMaps.delete({ project: PROJECT, urlMap: 'um' });
      await ok('compute', 'backend-services', 'delete', 'bs', 'bs-2', '--global');
      expect((await ctx.api.backendServices.list({ project: PROJECT })).data.items).to.equal(undefined);
    });

    it('URL maps, certificates and target proxies: create, add-path-matcher, setUrlMap, setSslCertificates, list, describe, delete in a batch', async () => {
      await healthCheck(ctx.api);
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: { name: 'bs', healthChecks: ['global/healthChecks/hc'] },
      });
      await one('compute', 'url-maps', 'create', 'um', '--default-service=bs');
      const um = await one(
        'compute',
        'url-maps',
        'add-path-matcher',
        'um',
        '--path-matcher-name=pm',
        '--default-service=bs',
        '--path-rules=/api/*=bs',
        '--new-hosts=shop.example.com',
      );
      expect(um.hostRules).to.deep.equal([{ hosts: ['shop.example.com'], pathMatcher: 'pm' }]);
      await ctx.api.urlMaps.insert({
        project: PROJECT,
        requestBody: { name: 'um-2', defaultService: 'global/backendServices/bs' },
      });
      expect(names(await ok('compute', 'url-maps', 'list'))).to.deep.equal(['um', 'um-2']);
      const tp = await one('compute', 'target-http-proxies', 'create', 'tp', '--url-map=um');
      expect(tp.urlMap).to.equal(url('global/urlMaps/um'));
      const moved = await one('compute', 'target-http-proxies', 'update', 'tp', '--url-map=um-2');
      expect(moved.urlMap).to.equal(url('global/urlMaps/um-2'));
      const cert = await one(
        'compute',
        'ssl-certificates',
        'create',
        'cert',
        '--global',
        `--certificate=${FIXTURES}shop-chain.pem`,
        `--private-key=${FIXTURES}shop.key`,
      );
      expect(cert).to.include({ type: 'SELF_MANAGED' }).and.not.have.property('privateKey');
      expect(cert.subjectAlternativeNames).to.deep.equal(['shop.example.com', 'www.shop.example.com']);
      await ctx.api.sslCertificates.insert({
        project: PROJECT,
        requestBody: { name: 'cert-2', certificate: cert.certificate as string, privateKey: TLS.key },
      });
      await one(
        'compute',
        'target-https-proxies',
        'create',
        'tps',
        '--url-map=um',
        '--ssl-certificates=cert',
      );
      const swapped = await one(
        'compute',
        'target-https-proxies',
        'update',
        'tps',
        '--ssl-certificates=cert-2',
      );
      expect(swapped.sslCertificates).to.deep.equal([url('global/sslCertificates/cert-2')]);
      const described = (await ok('compute', 'target-https-proxies', 'describe', 'tps')) as Record<
        string,
        unknown
      >;
      expect(described).to.include({ name: 'tps', urlMap: url('global/urlMaps/um') });
      await fails(
        /The url_map resource '.*urlMaps\/um' is already being used by '.*targetHttpsProxies\/tps'/,
        'compute',
        'url-maps',
        'delete',
        'um',
        'um-2',
      );
      expect(calls('compute.urlMaps.delete').every((c) => c.batched)).to.equal(true);
      expect(names(await ok('compute', 'target-http-proxies', 'list'))).to.deep.equal(['tp']);
      expect(names(await ok('compute', 'target-https-proxies', 'list'))).to.deep.equal(['tps']);
      expect(names(await ok('compute', 'ssl-certificates', 'list'))).to.deep.equal(['cert', 'cert-2']);
      await ok('compute', 'target-https-proxies', 'delete', 'tps');
      await ok('compute', 'target-http-proxies', 'delete', 'tp');
      await ok('compute', 'ssl-certificates', 'delete', 'cert', 'cert-2', '--global');
      await ok('compute', 'url-maps', 'delete', 'um', 'um-2');
      expect(
        ctx.gce.state().resources.filter((r) => /urlMaps|Proxies|sslCertificates/.test(r.path)),
      ).to.deep.equal([]);
    });

    it('addresses and forwarding rules: create, label, conflict, set-target, list paged, delete', async () => {
      await healthCheck(ctx.api);
      await ctx.api.backendServices.insert({
        project: PROJECT,
        requestBody: { name: 'bs', healthChecks: ['global/healthChecks/hc'] },
      });
      await ctx.api.urlMaps.insert({
        project: PROJECT,
        requestBody: { name: 'um', defaultService: 'global/backendServices/bs' },
      });
      await ctx.api.targetHttpProxies.insert({
        project: PROJECT,
        requestBody: { name: 'tp', urlMap: 'global/urlMaps/um' },
      });
      await ctx.api.targetHttpProxies.insert({
        project: PROJECT,
        requestBody: { name: 'tp-2', urlMap: 'global/urlMaps/um' },
      });
      const vip = await one('compute', 'addresses', 'create', 'vip', '--global');
      expect(vip).to.include({ status: 'RESERVED', addressType: 'EXTERNAL' });
      const labelled = await one(
        'beta',
        'compute',
        'addresses',
        'update',
        'vip',
        '--global',
        '--update-labels=owner=kubemci',
      );
      expect(labelled.labels).to.deep.equal({ owner: 'kubemci' });
      const fr = await one(
        'compute',
        'forwarding-rules',
        'create',
        'fr',
        '--global',
        '--target-http-proxy=tp',
        '--ports=80',
        '--address=vip',
      );
      expect(fr).to.include({ IPAddress: vip.address, portRange: '80-80', IPProtocol: 'TCP' });
      await fails(
        /in-use and would result in a conflict/,
        'compute',
        'forwarding-rules',
        'create',
        'fr-2',
        '--global',
        '--target-http-proxy=tp',
        '--ports=80',
        '--address=vip',
      );
      await one(
        'compute',
        'forwarding-rules',
        'create',
        'fr-2',
        '--global',
        '--target-http-proxy=tp',
        '--ports=8080',
        '--address=vip',
      );
      await one('compute', 'forwarding-rules', 'set-target', 'fr', '--global', '--target-http-proxy=tp-2');
      const described = (await ok('compute', 'forwarding-rules', 'describe', 'fr', '--global')) as Record<
        string,
        unknown
      >;
      expect(described.target).to.equal(url('global/targetHttpProxies/tp-2'));
      expect(names(await ok('compute', 'forwarding-rules', 'list', '--page-size=1'))).to.deep.equal([
        'fr',
        'fr-2',
      ]);
      await fails(
        /The address resource '.*addresses\/vip' is already being used by/,
        'compute',
        'addresses',
        'delete',
        'vip',
        '--global',
      );
      await ok('compute', 'forwarding-rules', 'delete', 'fr', 'fr-2', '--global');
      expect(names(await ok('compute', 'addresses', 'list'))).to.deep.equal(['vip']);
      await ok('compute', 'addresses', 'delete', 'vip', '--global');
    });

    it('firewall rules: create, update, list, delete', async () => {
      const fw = await one(
        'compute',
        'firewall-rules',
        'create',
        'fw',
        '--allow=tcp:30000-32767',
        '--source-ranges=130.211.0.0/22,35.191.0.0/16',
        '--target-tags=gke-node',
      );
      expect(fw).to.include({
        direction: 'INGRESS',
        priority: 1000,
        network: url('global/networks/default'),
      });
      const updated = await one(
        'compute',
        'firewall-rules',
        'update',
        'fw',
        '--allow=tcp:30000-32767,tcp:8080',
      );
      expect(updated.allowed).to.deep.equal([
        { IPProtocol: 'tcp', ports: ['30000-32767'] },
        { IPProtocol: 'tcp', ports: ['8080'] },
      ]);
      expect(names(await ok('compute', 'firewall-rules', 'list'))).to.deep.equal(['fw']);
      await ok('compute', 'firewall-rules', 'delete', 'fw');
    });

    it('instance groups and NEGs: create, add members, named ports, list members', async () => {
      ctx.gce.addInstance({ zone: ZONE, name: 'node1', aliasIpRanges: ['10.4.1.0/24'] });
      await one('compute', 'instance-groups', 'unmanaged', 'create', 'ig', `--zone=${ZONE}`);
      await one(
        'compute',
        'instance-groups',
        'unmanaged',
        'add-instances',
        'ig',
        `--zone=${ZONE}`,
        '--instances=node1',
      );
      await one(
        'compute',
        'instance-groups',
        'unmanaged',
        'set-named-ports',
        'ig',
        `--zone=${ZONE}`,
        '--named-ports=port30080:30080',
      );
      const members = await one(
        'compute',
        'instance-groups',
        'unmanaged',
        'list-instances',
        'ig',
        `--zone=${ZONE}`,
      );
      expect(members).to.include({ instance: url(`zones/${ZONE}/instances/node1`), status: 'RUNNING' });
      await one(
        'compute',
        'network-endpoint-groups',
        'create',
        'neg',
        `--zone=${ZONE}`,
        '--network-endpoint-type=gce-vm-ip-port',
        '--default-port=8080',
      );
      await one(
        'compute',
        'network-endpoint-groups',
        'update',
        'neg',
        `--zone=${ZONE}`,
        '--add-endpoint=instance=node1,ip=10.4.1.7,port=9376',
      );
      const endpoints = (await ok(
        'compute',
        'network-endpoint-groups',
        'list-network-endpoints',
        'neg',
        `--zone=${ZONE}`,
      )) as { networkEndpoint: unknown }[];
      expect(endpoints.map((e) => e.networkEndpoint)).to.deep.equal([
        { instance: 'node1', ipAddress: '10.4.1.7', port: 9376 },
      ]);
    });
  },
);

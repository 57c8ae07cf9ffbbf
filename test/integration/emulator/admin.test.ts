// The admin endpoint, the batch endpoint and the stand-alone process (main.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { PROJECT, ZONE, instanceGroup, useEmulator } from './helpers.ts';

describe('emulator: admin endpoint', () => {
  const ctx = useEmulator();
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.gce.admin}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>),
    };
  };

  it('serves the call log, including rejected calls, and clears it', async () => {
    await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } });
    await ctx.api.healthChecks
      .insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } })
      .catch(() => undefined);
    const log = await admin('GET', 'calls');
    const calls = log.body?.calls as { method: string; status: number; at: string }[];
    expect(calls.map((c) => [c.method, c.status])).to.deep.equal([
      ['compute.healthChecks.insert', 200],
      ['compute.healthChecks.insert', 409],
    ]);
    expect(new Date(calls[0]?.at ?? '').toISOString()).to.equal(calls[0]?.at);
    expect((await admin('DELETE', 'calls')).status).to.equal(204);
    expect((await admin('GET', 'calls')).body).to.deep.equal({ calls: [] });
  });

  it('dumps the state with hidden members, and resets it', async () => {
    await instanceGroup(ctx.gce, ctx.api);
    const state = (await admin('GET', 'state')).body as {
      resources: { path: string; aux: { members?: string[] } }[];
    };
    const ig = state.resources.find((r) => r.path.endsWith('/instanceGroups/ig'));
    expect(ig?.aux.members).to.deep.equal([`projects/${PROJECT}/zones/${ZONE}/instances/ig-vm`]);
    expect((await admin('POST', 'reset')).status).to.equal(204);
    const after = (await admin('GET', 'state')).body as { resources: { path: string }[] };
    expect(after.resources.map((r) => r.path)).to.deep.equal([`projects/${PROJECT}/global/networks/default`]);
  });

  it('reads and merges the configuration, refusing invalid values', async () => {
    const before = (await admin('GET', 'config')).body as { rateLimits: Record<string, number> };
    expect(before.rateLimits).to.deep.equal({
      mutations: 1500,
      reads: 1500,
      lists: 1500,
      operationReads: 1500,
    });
    const put = await admin('PUT', 'config', {
      rateLimits: { mutations: 10 },
      opLatency: { minMs: 10, maxMs: 20 },
    });
    expect(put.status).to.equal(200);
    expect((put.body as { rateLimits: Record<string, number> }).rateLimits).to.include({
      mutations: 10,
      reads: 1500,
    });
    expect((await admin('PUT', 'config', { opLatency: -1 })).status).to.equal(400);
    expect((await admin('PUT', 'config', { nonsense: 1 })).status).to.equal(400);
    expect((await admin('PUT', 'config', { faults: [{ method: 'x', action: 'explode' }] })).status).to.equal(
      400,
    );
  });

  it('creates and removes VMs and sets backend health for the simulator', async () => {
    const vm = await admin('POST', 'instances', {
      zone: ZONE,
      name: 'node1',
      aliasIpRanges: ['10.4.0.0/24'],
      tags: ['gke-node'],
    });
    expect(vm.status).to.equal(200);
    expect(vm.body).to.include({ name: 'node1', status: 'RUNNING' });
    expect(
      (await admin('PUT', `health/instances/${ZONE}/node1`, { healthState: 'UNHEALTHY' })).status,
    ).to.equal(204);
    expect((await admin('PUT', `health/instances/${ZONE}/node1`, { healthState: 'SICK' })).status).to.equal(
      400,
    );
    expect(
      (
        await admin('PUT', `health/endpoints/${ZONE}/missing`, {
          ipAddress: '10.4.0.1',
          port: 80,
          healthState: 'HEALTHY',
        })
      ).status,
    ).to.equal(404);
    expect((await admin('DELETE', `instances/${ZONE}/node1`)).status).to.equal(204);
    expect((await admin('DELETE', `instances/${ZONE}/node1`)).status).to.equal(404);
    expect((await admin('GET', 'nothing')).status).to.equal(404);
  });

  it('releases hung operations', async () => {
    await admin('PUT', 'config', {
      faults: [{ method: 'compute.healthChecks.insert', action: 'operationHang' }],
    });
    const op = (
      await ctx.api.healthChecks.insert({ project: PROJECT, requestBody: { name: 'hc', type: 'HTTP' } })
    ).data;
    expect(op.status).to.equal('RUNNING');
    expect((await admin('POST', 'operations/release', {})).body).to.deep.equal({ released: 1 });
    expect(
      (await ctx.api.globalOperations.get({ project: PROJECT, operation: String(op.name) })).data.status,
    ).to.equal('DONE');
  });
});

describe('emulator: batch endpoint', () => {
  const ctx = useEmulator();

  it('serves multipart/mixed batches part by part, answering <response-ID> parts', async () => {
    const boundary = 'xyz';
    const part = (id: string, line: string, body?: object) =>
      [
        `--${boundary}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        `Content-ID: <${id}>`,
        '',
        line,
        'Content-Type: application/json',
        '',
        body ? JSON.stringify(body) : '',
      ].join('\n');
    const text = [
      part('base+1', `POST /compute/v1/projects/${PROJECT}/global/healthChecks HTTP/1.1`, {
        name: 'hc',
        type: 'HTTP',
      }),
      part(
        'base+2',
        `GET ${ctx.gce.endpoint}compute/v1/projects/${PROJECT}/global/healthChecks/nope HTTP/1.1`,
      ),
      `--${boundary}--`,
    ].join('\n');
    const res = await fetch(`${ctx.gce.endpoint}batch/compute/v1`, {
      method: 'POST',
      headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
      body: text,
    });
    expect(res.status).to.equal(200);
    const type = String(res.headers.get('content-type'));
    expect(type).to.match(/^multipart\/mixed; boundary=batch_/);
    const body = await res.text();
    expect(body).to.contain('Content-ID: <response-base+1>');
    expect(body).to.contain('Content-ID: <response-base+2>');
    expect(body).to.match(/HTTP\/1\.1 200 OK[\s\S]*"kind":"compute#operation"/);
    expect(body).to.match(/HTTP\/1\.1 404 Not Found[\s\S]*"reason":"notFound"/);
    expect(ctx.gce.calls().map((c) => [c.method, c.status, c.batched])).to.have.deep.members([
      ['compute.healthChecks.insert', 200, true],
      ['compute.healthChecks.get', 404, true],
    ]);
  });
});

describe('emulator: stand-alone process', () => {
  it('prints its endpoint and admin URL, serves, and stops on SIGTERM', async function () {
    this.timeout(20_000);
    const main = fileURLToPath(new URL('../../emulator/main.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [main, '--port', '0', '--project', 'my-project-1', '--op-latency-ms', '5'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const m = /endpoint (\S+) admin (\S+) project my-project-1$/.exec(line);
      expect(m, line).to.not.equal(null);
      const res = await fetch(`${m?.[1]}compute/v1/projects/my-project-1/zones`);
      expect(res.status).to.equal(200);
      const cfg = (await (await fetch(`${m?.[2]}config`)).json()) as { opLatency: number };
      expect(cfg.opLatency).to.equal(5);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 on a bad flag', async function () {
    this.timeout(20_000);
    const main = fileURLToPath(new URL('../../emulator/main.ts', import.meta.url));
    const child = spawn(process.execPath, [main, '--port', 'eighty'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).to.equal(2);
  });
});

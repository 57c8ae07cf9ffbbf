import { expect } from 'chai';
import type { KubemciIo } from '../../../src/cli/kubemci/io.ts';
import { runKubemci } from '../../../src/cli/kubemci/run.ts';
import type { GceClient, GceClientOptions } from '../../../src/gce/index.ts';
import type { ObservedResource, ResourceKind } from '../../../src/model/gce.ts';
import { ownershipDescription } from '../../../src/naming/ownership.ts';

interface Captured {
  readonly io: KubemciIo;
  readonly out: string[];
  readonly err: string[];
  readonly clients: GceClientOptions[];
}

/** An io whose GCE holds `observed`; anything else the commands would touch fails the test. */
function fakeIo(observed: ObservedResource[] = [], gcloudProject?: string): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const clients: GceClientOptions[] = [];
  const unexpected = () => {
    throw new Error('unexpected call');
  };
  const gce = {
    project: 'p',
    observe: async (kinds: readonly ResourceKind[]) => observed.filter((r) => kinds.includes(r.kind)),
  } as unknown as GceClient;
  return {
    out,
    err,
    clients,
    io: {
      env: {},
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      readText: (file) => {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), {
          code: 'ENOENT',
        });
      },
      version: '9.9.9',
      gcloudProject: async () => gcloudProject,
      makeGce: (o) => {
        clients.push(o);
        return gce;
      },
      makeInstanceReader: unexpected,
      now: () => 0,
    },
  };
}

const mine = {
  description: ownershipDescription({ instanceId: 'kubemci-cli', namespace: 'web', name: 'shop' }),
};
const STATE: ObservedResource[] = [
  { kind: 'globalForwardingRules', name: 'mci2-fr', body: { ...mine, IPAddress: '203.0.113.7' } },
  {
    kind: 'backendServices',
    name: 'mci2-bs',
    body: {
      ...mine,
      backends: [
        {
          group:
            'https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/networkEndpointGroups/n',
          description: '{"cluster":"east"}',
        },
      ],
    },
  },
];

describe('kubemci CLI: exit codes and output', () => {
  it('exits 2 with one error line on a usage error', async () => {
    const c = fakeIo();
    expect(await runKubemci(['create', '--ingres', 'f'], c.io)).to.equal(2);
    expect(c.err.join('')).to.equal('error: unknown flag: --ingres\nRun "kubemci --help" for usage.\n');
    expect(c.out).to.deep.equal([]);
  });

  it('exits 0 for help and version', async () => {
    const c = fakeIo();
    expect(await runKubemci(['--help'], c.io)).to.equal(0);
    expect(await runKubemci(['version'], c.io)).to.equal(0);
    expect(c.out[1]).to.equal('Client version: 9.9.9\n');
    expect(c.err).to.deep.equal([]);
  });

  it('exits 1 with one line when the Ingress file cannot be read', async () => {
    const c = fakeIo();
    expect(await runKubemci(['create', '-i', '/nope.yaml', '--gcp-project', 'my-project'], c.io)).to.equal(1);
    expect(c.err).to.deep.equal(["error: ENOENT: no such file or directory, open '/nope.yaml'\n"]);
  });

  it("get-status prints kubemci's line from GCE state; a missing load balancer exits 1", async () => {
    const c = fakeIo(STATE);
    expect(
      await runKubemci(['get-status', 'shop', '--gcp-project', 'my-project', '--access-token', 't'], c.io),
    ).to.equal(0);
    expect(c.out.join('').split('\n')[0]).to.equal(
      'Load balancer shop has IPAddress 203.0.113.7 and is spread across 1 clusters (east)',
    );
    expect(c.clients[0]).to.deep.include({
      project: 'my-project',
      credentials: { source: 'access-token', token: 't' },
      namePrefix: 'mci2-',
    });
    const missing = fakeIo(STATE);
    expect(await runKubemci(['get-status', 'cart', '--gcp-project', 'my-project'], missing.io)).to.equal(1);
    expect(missing.err).to.deep.equal(['error: load balancer cart does not exist in project my-project\n']);
  });

  it("list falls back to gcloud's project, as kubemci did, and prints JSON with -o json", async () => {
    const c = fakeIo(STATE, 'from-gcloud');
    expect(await runKubemci(['list', '-o', 'json'], c.io)).to.equal(0);
    expect(c.clients[0]?.project).to.equal('from-gcloud');
    const json = JSON.parse(c.out.join('')) as {
      items: { name: string; ipAddress: string; clusters: string[] }[];
    };
    expect(json.items).to.deep.equal([
      {
        name: 'shop',
        namespace: 'web',
        ipAddress: '203.0.113.7',
        clusters: ['east'],
        backendMode: 'neg',
        groups: {
          east: [
            'https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/networkEndpointGroups/n',
          ],
        },
        resources: [
          { kind: 'globalForwardingRules', name: 'mci2-fr' },
          { kind: 'backendServices', name: 'mci2-bs' },
        ],
      },
    ]);
    const none = fakeIo([]);
    expect(await runKubemci(['list'], none.io)).to.equal(1);
    expect(none.err[0]).to.match(/^error: no GCP project: give --gcp-project/);
  });
});

import type { V1Ingress } from '@kubernetes/client-node';
import { expect } from 'chai';
import type { MciIo } from '../../../src/cli/mci/io.ts';
import type { Registry } from '../../../src/cli/mci/registry.ts';
import { runMci } from '../../../src/cli/mci/run.ts';
import { NOW, ingress, statusFixture } from './fixtures.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: reg
  cluster: {server: 'https://127.0.0.1:6443'}
users:
- name: ops
  user: {token: t}
contexts:
- name: prod
  context: {cluster: reg, user: ops, namespace: app}
- name: other
  context: {cluster: reg, user: ops}
current-context: prod
`;

function world(ingresses: V1Ingress[], opts: { tty?: boolean; noColor?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const listed: (string | undefined)[] = [];
  const registry = {
    endpoint: { role: 'registry', server: 'https://127.0.0.1:6443' },
    listIngresses: async (ns: string | undefined) => {
      listed.push(ns);
      return ingresses.filter((i) => ns === undefined || i.metadata?.namespace === ns);
    },
    getIngress: async (ns: string, name: string) =>
      ingresses.find((i) => i.metadata?.namespace === ns && i.metadata?.name === name),
    listIngressEvents: async () => [],
  } as unknown as Registry;
  const io: MciIo = {
    env: { KUBECONFIG: '/kube/config', ...(opts.noColor !== undefined ? { NO_COLOR: opts.noColor } : {}) },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTty: opts.tty ?? false,
    readText: (file) => {
      if (file === '/kube/config') return KUBECONFIG;
      throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    },
    now: () => NOW,
    sleep: async () => undefined,
    connectRegistry: () => registry,
    makeGce: () => {
      throw new Error('no GCE in this test');
    },
    readMembers: async () => [],
  };
  return { io, out: () => out.join(''), err: () => err.join(''), listed };
}

describe('kubectl mci: exit codes and the registry', () => {
  const shop = ingress('app', 'shop', { status: statusFixture('status-healthy') });
  const cart = ingress('app', 'cart', { status: statusFixture('status-problem') });

  it('exits 0 with help, 2 with one error line on a usage error', async () => {
    const w = world([]);
    expect(await runMci(['-h'], w.io)).to.equal(0);
    expect(w.out()).to.match(/^The operator's window/);
    expect(await runMci(['list', '--nope'], w.io)).to.equal(2);
    expect(w.err()).to.equal('error: unknown flag: --nope\n');
  });

  it("lists in the context's namespace and exits 0 when every Ingress is fine, 1 when one has a problem", async () => {
    const fine = world([shop]);
    expect(await runMci(['list'], fine.io)).to.equal(0);
    expect(fine.listed).to.deep.equal(['app']);
    expect(fine.out()).to.match(/^NAME {3}VIP/);
    const faulty = world([shop, cart]);
    expect(await runMci(['list', '-A', '--context', 'other'], faulty.io)).to.equal(1);
    expect(faulty.listed).to.deep.equal([undefined]);
  });

  it('uses default when the context has no namespace, and says so on stderr when nothing is found', async () => {
    const w = world([shop]);
    expect(await runMci(['list', '--context', 'other'], w.io)).to.equal(0);
    expect(w.listed).to.deep.equal(['default']);
    expect(w.out()).to.equal('');
    expect(w.err()).to.equal('No multicluster Ingresses found in namespace default.\n');
  });

  it('colours on a terminal only, and not with NO_COLOR', async () => {
    const tty = world([shop], { tty: true });
    await runMci(['status', 'shop'], tty.io);
    expect(tty.out()).to.include('\u001b[32mready\u001b[0m');
    const noColor = world([shop], { tty: true, noColor: '1' });
    await runMci(['status', 'shop'], noColor.io);
    expect(noColor.out()).not.to.include('\u001b[');
  });

  it('exits 1 with one line when the Ingress is missing, not multicluster, or the kubeconfig is', async () => {
    const w = world([ingress('app', 'plain', { className: 'nginx' }), cart]);
    expect(await runMci(['status', 'missing'], w.io)).to.equal(1);
    expect(await runMci(['status', 'plain'], w.io)).to.equal(1);
    expect(await runMci(['status', 'shop', '--kubeconfig', '/nowhere'], w.io)).to.equal(1);
    expect(w.err().split('\n')).to.deep.equal([
      'error: ingress app/missing not found',
      'error: ingress app/plain is not a multicluster Ingress: its class is "nginx" (want kubemci)',
      'error: registry kubeconfig: cannot read kubeconfig /nowhere: ENOENT: /nowhere',
      '',
    ]);
    expect(await runMci(['status', 'cart'], w.io)).to.equal(1);
  });
});

import { expect } from 'chai';
import { UsageError } from '../../../src/cli/mci/errors.ts';
import { parseMciArgs, type MciCommand } from '../../../src/cli/mci/options.ts';

const env = { KUBECONFIG: '/k/a:/k/b', HOME: '/home/ops' };
const parse = (...argv: string[]): MciCommand => parseMciArgs(argv, env);
const usage = (...argv: string[]): string => {
  try {
    parse(...argv);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for: ${argv.join(' ')}`);
};

describe('kubectl mci: command line', () => {
  it('takes flags after the words, in kubectl forms, and the registry as kubectl finds it', () => {
    const cmd = parse('status', 'shop', '-n', 'default', '--context', 'prod', '-ojson');
    expect(cmd).to.deep.equal({
      kind: 'status',
      registry: { source: { envValue: '/k/a:/k/b', homeDir: '/home/ops' }, context: 'prod' },
      namespace: 'default',
      name: 'shop',
      output: 'json',
    });
    const list = parse('list', '-A', '--kubeconfig=/tmp/reg', '-o', 'wide');
    expect(list).to.include({ kind: 'list', allNamespaces: true, output: 'wide' });
    expect(list.kind === 'list' && list.registry.source.explicitPath).to.equal('/tmp/reg');
  });

  it('gives help for the plugin and for each command', () => {
    expect(parse('-h')).to.have.property('kind', 'help');
    const help = parse('plan', '--help');
    expect(help.kind === 'help' && help.text).to.include('--instance-id');
    expect(parse('help').kind).to.equal('help');
  });

  it('defaults plan to the controller: inventory namespace, max rate, a 60 s member timeout', () => {
    const cmd = parse('plan', 'shop', '--gcp-project', 'my-project', '--access-token-file', '/t');
    expect(cmd).to.deep.include({
      kind: 'plan',
      name: 'shop',
      gce: { project: 'my-project', credentials: { source: 'access-token-file', path: '/t' } },
      inventoryNamespaces: ['kube-multicluster-public'],
      maxRatePerEndpoint: 100,
      timeoutMs: 60_000,
      all: false,
      exitCode: false,
    });
    const adc = parse('plan', 'shop', '--project=my-project', '--instance-id', 'abc', '--exit-code');
    expect(adc).to.deep.include({ instanceId: 'abc', exitCode: true });
    expect(adc.kind === 'plan' && adc.gce.credentials).to.deep.equal({ source: 'adc' });
  });

  it('defaults drain to the Cluster namespace, which is also where the other clusters are read', () => {
    expect(parse('drain', 'us-east')).to.deep.include({
      kind: 'drain',
      cluster: 'us-east',
      namespace: 'kube-multicluster-public',
      inventoryNamespaces: ['kube-multicluster-public'],
      wait: false,
      force: false,
      timeoutMs: 300_000,
    });
    expect(parse('undrain', 'us-east', '-n', 'fleet', '--wait', '--timeout', '90s')).to.deep.include({
      kind: 'undrain',
      namespace: 'fleet',
      inventoryNamespaces: ['fleet'],
      wait: true,
      timeoutMs: 90_000,
    });
    expect(parse('drain', 'us-east', '--inventory-namespaces', 'a, b')).to.deep.include({
      inventoryNamespaces: ['a', 'b'],
    });
  });

  it('refuses what it cannot do, in one line', () => {
    expect(usage()).to.match(/a command is required/);
    expect(usage('rollout')).to.match(/unknown command "rollout"/);
    expect(usage('list', '--bogus')).to.equal('unknown flag: --bogus');
    expect(usage('list', '-A', '-n', 'x')).to.match(/cannot be used together/);
    expect(usage('list', '-o', 'name')).to.match(/unsupported output format "name": want wide, json, yaml/);
    expect(usage('status')).to.match(/NAME is required/);
    expect(usage('status', 'a', 'b')).to.match(/unexpected arguments after NAME: b/);
    expect(usage('status', 'Shop')).to.match(/invalid NAME "Shop"/);
    expect(usage('status', 'shop', '--project', 'p-12345')).to.match(/go with --live/);
    expect(usage('status', 'shop', '--live')).to.match(/--live needs --project/);
    expect(usage('plan', 'shop')).to.match(/plan needs --project/);
    expect(usage('plan', 'shop', '--project', 'X')).to.match(/not a GCE project ID/);
    expect(usage('plan', 'shop', '--project', 'my-project', '--gce-endpoint', 'ftp://x')).to.match(
      /http or https/,
    );
    expect(usage('plan', 'shop', '--project', 'my-project', '--timeout', '30')).to.match(
      /--timeout: "30" is not a duration/,
    );
    expect(usage('plan', 'shop', '--project', 'my-project', '--max-rate-per-endpoint', '0')).to.match(
      /positive number/,
    );
    expect(usage('drain', 'us-east', '--timeout', '1m')).to.match(/--timeout goes with --wait/);
    expect(usage('drain', 'US')).to.match(/invalid cluster name "US"/);
    expect(usage('undrain', 'us-east', '--force')).to.equal('unknown flag: --force');
    expect(usage('drain', 'x', '--inventory-namespaces', 'A')).to.match(/invalid namespace "A"/);
    expect(usage('list', '--kubeconfig=')).to.match(/--kubeconfig must not be empty/);
  });
});

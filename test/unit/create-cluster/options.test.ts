import { expect } from 'chai';
import { UsageError } from '../../../src/cli/shared/errors.ts';
import {
  parseCreateClusterArgs,
  type CreateClusterOptions,
} from '../../../src/cli/create-cluster/options.ts';
import { parseCidr, parseLabels, parseServerAddress } from '../../../src/cli/create-cluster/validation.ts';

function options(argv: string[], env = {}): CreateClusterOptions {
  const command = parseCreateClusterArgs(argv, env);
  if (command.kind !== 'create') throw new Error('expected a create command');
  return command.options;
}

function usageError(argv: string[]): string {
  try {
    parseCreateClusterArgs(argv, {});
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).to.not.include('\n');
    return message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCreateClusterArgs', () => {
  it('reads a --server registration with every flag', () => {
    const o = options(
      [
        'us-east',
        '--server',
        'https://10.0.0.1:6443',
        '--client-cidr=10.0.0.0/8',
        '--ca-file',
        'ca.pem',
        '--credentials-secret',
        'us-east-creds',
        '--label',
        'region=us',
        '--label=env=prod',
        '--enable',
        '-n',
        'clusters',
        '--kubeconfig',
        '/k',
        '--context',
        'reg',
        '--dry-run=client',
        '-o',
        'yaml',
      ],
      { KUBECONFIG: '/a:/b', HOME: '/home/u' },
    );
    expect(o).to.deep.equal({
      name: 'us-east',
      namespace: 'clusters',
      member: {
        kind: 'server',
        server: 'https://10.0.0.1:6443',
        clientCidr: '10.0.0.0/8',
        caFile: 'ca.pem',
        credentialsSecret: 'us-east-creds',
      },
      labels: { region: 'us', env: 'prod', 'kubemci.io/enabled': 'true' },
      registry: { explicitPath: '/k', envValue: '/a:/b', homeDir: '/home/u' },
      registryContext: 'reg',
      dryRun: true,
      output: 'yaml',
    });
  });

  it('reads a --from-kubeconfig registration with the defaults', () => {
    const o = options(['eu-1', '--from-kubeconfig', 'm.kubeconfig', '--from-context', 'm1']);
    expect(o.member).to.deep.equal({ kind: 'kubeconfig', kubeconfigPath: 'm.kubeconfig', context: 'm1' });
    expect(o.namespace).to.equal('kube-multicluster-public');
    expect(o.labels).to.deep.equal({});
    expect(o.dryRun).to.equal(false);
    expect(o.output).to.equal(undefined);
    expect(o.registry).to.deep.equal({});
  });

  it('asks for help with -h or --help, whatever else is there', () => {
    expect(parseCreateClusterArgs(['--help'], {})).to.deep.equal({ kind: 'help' });
    expect(parseCreateClusterArgs(['x', '-h'], {})).to.deep.equal({ kind: 'help' });
  });

  it('refuses bad input with one line', () => {
    expect(usageError([])).to.match(/^NAME is required/);
    expect(usageError(['a', 'b', '--server', 'h'])).to.equal('unexpected arguments after NAME: b');
    expect(usageError(['a', '--server', 'h', '--nope'])).to.equal('unknown flag: --nope');
    expect(usageError(['a'])).to.equal('one of --server or --from-kubeconfig is required');
    expect(usageError(['a', '--server', 'h', '--from-kubeconfig', 'f'])).to.equal(
      '--server and --from-kubeconfig cannot be used together',
    );
    expect(usageError(['a', '--from-kubeconfig', 'f', '--ca-file', 'c'])).to.equal(
      '--ca-file goes with --server, not with --from-kubeconfig',
    );
    expect(usageError(['a', '--server', 'h', '--from-context', 'c'])).to.equal(
      '--from-context goes with --from-kubeconfig',
    );
    expect(usageError(['Bad_Name', '--server', 'h'])).to.match(/^invalid cluster name "Bad_Name"/);
    expect(usageError(['1st', '--server', 'h'])).to.match(/^invalid cluster name "1st"/);
    expect(usageError(['a', '--server', 'h', '-n', 'No'])).to.match(/^invalid --namespace "No"/);
    expect(usageError(['a', '--server', 'h', '--label', 'novalue'])).to.equal(
      'invalid --label "novalue": want key=value',
    );
    expect(usageError(['a', '--server', 'h', '--label', 'kubemci.io/enabled=false', '--enable'])).to.equal(
      '--enable conflicts with --label kubemci.io/enabled=false',
    );
    expect(usageError(['a', '--server', 'h', '--dry-run=server'])).to.equal(
      '--dry-run=server is not supported; use --dry-run=client',
    );
    expect(usageError(['a', '--server', 'h', '-o', 'wide'])).to.equal(
      'unsupported output format "wide": want yaml, json or name',
    );
    expect(usageError(['a', '--server', 'h', '--kubeconfig='])).to.equal('--kubeconfig must not be empty');
    expect(usageError(['a', '--server', 'h', '--credentials-secret', 'Bad'])).to.match(
      /^invalid --credentials-secret "Bad"/,
    );
  });
});

describe('parseServerAddress', () => {
  it('normalises https URLs and host[:port] to an https URL', () => {
    expect(parseServerAddress('https://10.0.0.1:6443')).to.equal('https://10.0.0.1:6443');
    expect(parseServerAddress('https://api.example.com/')).to.equal('https://api.example.com');
    expect(parseServerAddress('api.example.com:6443')).to.equal('https://api.example.com:6443');
    expect(parseServerAddress('10.0.0.1')).to.equal('https://10.0.0.1');
    expect(parseServerAddress('[fd00::1]:6443')).to.equal('https://[fd00::1]:6443');
    expect(parseServerAddress('https://gw.example.com/v1/projects/p/memberships/m')).to.equal(
      'https://gw.example.com/v1/projects/p/memberships/m',
    );
  });

  it('refuses what is not a usable https address', () => {
    const bad = [
      '',
      'http://10.0.0.1',
      'ftp://x',
      'https://',
      'https://user:pw@host',
      'https://host?x=1',
      'https://host#f',
      'host:notaport',
      'https://host:99999',
      'host/path',
      'fd00::1',
      ' https://host',
      'https://ho st',
    ];
    for (const input of bad)
      expect(() => parseServerAddress(input), input).to.throw(UsageError, /^invalid --server/);
  });
});

describe('parseCidr and parseLabels', () => {
  it('accepts IPv4 and IPv6 CIDRs only', () => {
    expect(parseCidr('10.0.0.0/8')).to.equal('10.0.0.0/8');
    expect(parseCidr('0.0.0.0/0')).to.equal('0.0.0.0/0');
    expect(parseCidr('fd00::/8')).to.equal('fd00::/8');
    for (const bad of ['0.0.0.0', '10.0.0.0/33', 'fd00::/129', 'x/8', '10.0.0.0/-1', '10.0.0.0/8/8']) {
      expect(() => parseCidr(bad), bad).to.throw(UsageError, /^invalid --client-cidr/);
    }
  });

  it('accepts label keys with prefixes and empty values, and refuses what kubectl label refuses', () => {
    expect(parseLabels(['a=b', 'example.com/tier=gold', 'empty=', 'x=y', 'x=y'])).to.deep.equal({
      a: 'b',
      'example.com/tier': 'gold',
      empty: '',
      x: 'y',
    });
    for (const bad of ['=v', 'Bad_Prefix/x=v', 'a/b/c=v', `k=${'v'.repeat(64)}`, 'k=-v', 'k=a b', '-k=v']) {
      expect(() => parseLabels([bad]), bad).to.throw(UsageError, /^invalid --label/);
    }
    expect(() => parseLabels(['k=v', 'k=w'])).to.throw(
      UsageError,
      '--label k is given twice with different values',
    );
  });
});

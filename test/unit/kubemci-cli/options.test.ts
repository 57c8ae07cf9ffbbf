import { expect } from 'chai';
import { KubemciUsageError } from '../../../src/cli/kubemci/errors.ts';
import {
  DEFAULT_INSTANCE_ID,
  DEFAULT_WAIT_TIMEOUT_MS,
  parseKubemciArgs,
  type CreateOptions,
  type KubemciOptions,
} from '../../../src/cli/kubemci/options.ts';

const env = { HOME: '/home/u' };

function run(argv: string[]): KubemciOptions {
  const command = parseKubemciArgs(argv, env);
  if (command.kind !== 'run') throw new Error('expected a command to run');
  return command.options;
}

function create(argv: string[]): CreateOptions {
  const options = run(['create', ...argv]);
  if (options.command !== 'create') throw new Error('expected create');
  return options;
}

function usage(argv: string[]): string {
  try {
    parseKubemciArgs(argv, env);
  } catch (err) {
    expect(err).to.be.instanceOf(KubemciUsageError);
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('kubemci CLI: flags', () => {
  describe("kubemci's flags and their forms", () => {
    it('reads create with the long forms, --flag=value and --flag value alike', () => {
      const o = create([
        'shop',
        '--ingress=ing.yaml',
        '--kubeconfig',
        'kc',
        '--kubecontexts=a,b',
        '--gcp-project',
        'my-project',
        '--namespace',
        'web',
        '--static-ip',
        'shop-ip',
        '--force',
        '--validate=false',
      ]);
      expect(o).to.deep.include({
        command: 'create',
        lbName: 'shop',
        ingressFile: 'ing.yaml',
        namespace: 'web',
        staticIp: 'shop-ip',
        force: true,
        validate: false,
        dryRun: false,
        instanceId: DEFAULT_INSTANCE_ID,
        output: 'text',
      });
      expect(o.gce).to.deep.equal({ project: 'my-project', credentials: { source: 'adc' } });
      expect(o.members).to.deep.equal({
        kubeconfig: { explicitPath: 'kc', homeDir: '/home/u' },
        contexts: ['a', 'b'],
        waitTimeoutMs: DEFAULT_WAIT_TIMEOUT_MS,
        nodeTags: {},
      });
    });

    it('reads the short forms -i, -k, -n, -f and -o', () => {
      const o = create(['-i', 'ing.yaml', '-k', 'kc', '-n', 'web', '-f', '-o', 'json']);
      expect(o).to.deep.include({ ingressFile: 'ing.yaml', namespace: 'web', force: true, output: 'json' });
      expect(o.members.kubeconfig.explicitPath).to.equal('kc');
    });

    it('accumulates --kubecontexts given several times and drops duplicates, as pflag slices do', () => {
      const o = create(['-i', 'f', '--kubecontexts', 'a,b', '--kubecontexts', 'c', '--kubecontexts=a']);
      expect(o.members.contexts).to.deep.equal(['a', 'b', 'c']);
    });

    it('defaults: validate on, no force, all contexts, KUBECONFIG from the environment', () => {
      const command = parseKubemciArgs(['create', '-i', 'f'], { KUBECONFIG: '/a:/b' });
      const o = command.kind === 'run' ? (command.options as CreateOptions) : undefined;
      expect(o?.validate).to.equal(true);
      expect(o?.force).to.equal(false);
      expect(o?.members.contexts).to.deep.equal([]);
      expect(o?.members.kubeconfig).to.deep.equal({ envValue: '/a:/b' });
      expect(o?.gce.project).to.equal(undefined);
    });

    it('accepts the glog flags kubemci inherited, before or after the command', () => {
      const o = run(['--v', '2', 'get-status', 'shop', '--logtostderr', '--stderrthreshold=INFO', '-v=3']);
      expect(o).to.deep.include({ command: 'get-status', lbName: 'shop' });
    });

    it('takes the flags kubemci gave each command and refuses the others, as cobra does', () => {
      expect(run(['delete', 'shop', '-i', 'f', '-k', 'kc', '-f', '-n', 'web'])).to.deep.include({
        command: 'delete',
        lbName: 'shop',
        ingressFile: 'f',
        namespace: 'web',
        force: true,
      });
      expect(run(['remove-clusters', 'shop', '-i', 'f', '--kubecontexts', 'a'])).to.deep.include({
        command: 'remove-clusters',
        lbName: 'shop',
      });
      expect(run(['list', '--gcp-project', 'my-project'])).to.deep.include({ command: 'list' });
      expect(run(['version'])).to.deep.equal({ command: 'version' });
      expect(usage(['get-status', 'shop', '--ingress', 'f'])).to.equal('unknown flag: --ingress');
      expect(usage(['list', '--static-ip', 'x'])).to.equal('unknown flag: --static-ip');
      expect(usage(['delete', 'shop', '--static-ip', 'x'])).to.equal('unknown flag: --static-ip');
    });
  });

  describe('our additions', () => {
    it('--project is an alias of --gcp-project; the two must agree', () => {
      expect(run(['list', '--project', 'my-project'])).to.deep.include({
        gce: { project: 'my-project', credentials: { source: 'adc' } },
      });
      expect(usage(['list', '--project', 'project-a', '--gcp-project', 'project-b'])).to.match(/disagree/);
    });

    it('reads the GCE endpoint and one source of token', () => {
      const o = run(['list', '--gce-endpoint', 'http://127.0.0.1:9/', '--access-token', 'tok']);
      expect(o).to.deep.include({
        gce: { endpoint: 'http://127.0.0.1:9/', credentials: { source: 'access-token', token: 'tok' } },
      });
      expect(run(['list', '--access-token-file', '/t'])).to.deep.include({
        gce: { credentials: { source: 'access-token-file', path: '/t' } },
      });
      expect(usage(['list', '--access-token', 'a', '--access-token-file', '/t'])).to.match(
        /cannot be used together/,
      );
      expect(usage(['list', '--gce-endpoint', 'localhost:9'])).to.match(/not an http\(s\) URL/);
    });

    it('--dry-run alone, =true, =client; --backend-mode; --wait-timeout with a unit; --instance-id', () => {
      expect(create(['-i', 'f', '--dry-run']).dryRun).to.equal(true);
      expect(create(['-i', 'f', '--dry-run=client']).dryRun).to.equal(true);
      expect(create(['-i', 'f', '--dry-run=false']).dryRun).to.equal(false);
      expect(create(['-i', 'f', '--backend-mode', 'instance-group']).backendMode).to.equal('instance-group');
      expect(create(['-i', 'f', '--wait-timeout', '2m']).members.waitTimeoutMs).to.equal(120_000);
      expect(create(['-i', 'f', '--instance-id', 'ci-7']).instanceId).to.equal('ci-7');
      expect(usage(['create', '-i', 'f', '--dry-run=server'])).to.match(/invalid --dry-run/);
      expect(usage(['create', '-i', 'f', '--backend-mode', 'ig'])).to.match(/want neg or instance-group/);
      expect(usage(['create', '-i', 'f', '--wait-timeout', '30'])).to.match(/^--wait-timeout: .*use a unit/);
      expect(usage(['create', '-i', 'f', '--instance-id', 'a/b'])).to.match(/must not contain/);
    });

    it('--node-tags CONTEXT=TAG[,TAG] accumulates per context and checks tag names', () => {
      const o = create(['-i', 'f', '--node-tags', 'a=t1,t2', '--node-tags=b=t3', '--node-tags', 'a=t1']);
      expect(o.members.nodeTags).to.deep.equal({ a: ['t1', 't2'], b: ['t3'] });
      expect(usage(['create', '-i', 'f', '--node-tags', 'a'])).to.match(/want CONTEXT=TAG/);
      expect(usage(['create', '-i', 'f', '--node-tags', 'a=Bad_Tag'])).to.match(/not a valid network tag/);
    });
  });

  describe('usage errors', () => {
    it('names an unknown command or flag', () => {
      expect(usage(['frobnicate'])).to.match(/^unknown command "frobnicate"/);
      expect(usage(['create', '-i', 'f', '--bogus'])).to.equal('unknown flag: --bogus');
      expect(usage(['create', '-i'])).to.equal('flag needs an argument: -i');
    });

    it('wants the arguments each command needs', () => {
      expect(usage(['create'])).to.equal('create needs --ingress FILE');
      expect(usage(['remove-clusters', '-i', 'f'])).to.match(/needs --kubecontexts/);
      expect(usage(['delete'])).to.equal('delete needs LBNAME or --ingress FILE');
      expect(usage(['get-status'])).to.match(/needs LBNAME/);
      expect(usage(['get-status', 'a', 'b'])).to.match(/takes one LBNAME/);
      expect(usage(['version', 'now'])).to.match(/takes no arguments/);
    });

    it('refuses names GCE would refuse, empty values and bad formats', () => {
      expect(usage(['get-status', 'Shop_1'])).to.match(/load balancer name "Shop_1"/);
      expect(usage(['create', '-i', 'f', '--static-ip', 'My IP'])).to.match(/not a valid GCE address name/);
      expect(usage(['create', '-i', ''])).to.equal('--ingress must not be empty');
      expect(usage(['list', '-o', 'yaml'])).to.match(/want text or json/);
      expect(usage(['list', '--gcp-project', 'P'])).to.match(/not a GCP project ID/);
      expect(usage(['list', '-n', 'Bad'])).to.match(/not a valid namespace/);
    });
  });

  describe('help', () => {
    it('prints the root help with no command, --help or help', () => {
      for (const argv of [[], ['--help'], ['help'], ['-h']]) {
        const command = parseKubemciArgs(argv, env);
        expect(command.kind, argv.join(' ')).to.equal('help');
        expect(command.kind === 'help' && command.text).to.match(/^kubemci: /);
      }
    });

    it("prints a command's help with COMMAND --help or help COMMAND", () => {
      for (const argv of [
        ['create', '--help'],
        ['help', 'create'],
        ['-v', '2', 'create', '-h'],
      ]) {
        const command = parseKubemciArgs(argv, env);
        expect(command.kind === 'help' && command.text).to.match(/^Create or update a multicluster ingress/);
      }
      expect(usage(['help', 'frobnicate'])).to.match(/unknown help topic/);
    });
  });
});

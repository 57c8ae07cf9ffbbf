import { expect } from 'chai';
import { OptionsError, parseControllerOptions } from '../../../src/options/controller-options.ts';
import { formatDuration, parseDuration } from '../../../src/options/duration.ts';

describe('controller options', () => {
  it('has documented defaults', () => {
    const o = parseControllerOptions(['--project', 'my-project']);
    expect(o.inventoryNamespaces).to.deep.equal(['kube-multicluster-public']);
    expect(o.watchNamespaces).to.deep.equal([]);
    expect(o.resyncPeriodMs).to.equal(600_000);
    expect(o.credentials).to.deep.equal({ source: 'adc' });
    expect(o.metricsAddr).to.deep.equal({ host: '0.0.0.0', port: 8080 });
    expect(o.dryRun).to.equal(false);
  });

  it('accepts kubemci names and every flag', () => {
    const o = parseControllerOptions([
      '--gcp-project=my-project',
      '--gce-endpoint=http://127.0.0.1:9999/',
      '--access-token-file=/tmp/t',
      '--inventory-namespaces=a, b',
      '--watch-namespaces=shop',
      '--resync-period=30s',
      '--concurrency=8',
      '--dry-run',
      '--metrics-addr=127.0.0.1:9090',
      '--unreachable-grace=1m30s',
    ]);
    expect(o.project).to.equal('my-project');
    expect(o.credentials).to.deep.equal({ source: 'access-token-file', path: '/tmp/t' });
    expect(o.inventoryNamespaces).to.deep.equal(['a', 'b']);
    expect(o.resyncPeriodMs).to.equal(30_000);
    expect(o.unreachableGraceMs).to.equal(90_000);
    expect(o.concurrency).to.equal(8);
    expect(o.metricsAddr).to.deep.equal({ host: '127.0.0.1', port: 9090 });
  });

  for (const [args, message] of [
    [[], /--project is required/],
    [['--project', 'x'], /not a GCE project ID/],
    [['--project', 'my-project', '--resync-period', '30'], /--resync-period: "30" is not a duration/],
    [['--project', 'my-project', '--concurrency', '0'], /--concurrency must be a whole number/],
    [['--project', 'my-project', '--gce-endpoint', 'ftp://x'], /http or https/],
    [['--project', 'my-project', '--metrics-addr', 'nope'], /HOST:PORT/],
    [['--project', 'my-project', '--bogus'], /Unknown option '--bogus'/],
    [['--project', 'my-project', '--log-level', 'loud'], /--log-level/],
  ] as const) {
    it(`refuses ${JSON.stringify(args)}`, () => {
      expect(() => parseControllerOptions(args)).to.throw(OptionsError, message);
    });
  }

  it('parses and formats durations', () => {
    expect(parseDuration('500ms')).to.equal(500);
    expect(parseDuration('1h30m')).to.equal(5_400_000);
    expect(parseDuration('1.5s')).to.equal(1500);
    expect(() => parseDuration('10')).to.throw(/not a duration/);
    expect(formatDuration(120_000)).to.equal('2m');
    expect(formatDuration(1500)).to.equal('1500ms');
  });
});

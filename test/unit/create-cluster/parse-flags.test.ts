import { expect } from 'chai';
import { UsageError } from '../../../src/cli/shared/errors.ts';
import { parseFlags, type FlagSpec } from '../../../src/cli/shared/flags.ts';

const SPECS: FlagSpec[] = [
  { name: 'server', kind: 'string' },
  { name: 'label', kind: 'list' },
  { name: 'enable', kind: 'boolean' },
  { name: 'namespace', short: 'n', kind: 'string' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'dry-run', kind: 'optional', implied: 'client' },
  { name: 'help', short: 'h', kind: 'boolean' },
];

describe('parseFlags', () => {
  it('takes values as --flag=value and --flag value, and short forms in every spelling', () => {
    const p = parseFlags(
      ['a', '--server=https://x', '-n', 'ns1', '-ojson', '--label', 'k=v', '--label=k2=v2'],
      SPECS,
    );
    expect(p.positionals).to.deep.equal(['a']);
    expect(p.strings.get('server')).to.equal('https://x');
    expect(p.strings.get('namespace')).to.equal('ns1');
    expect(p.strings.get('output')).to.equal('json');
    expect(p.lists.get('label')).to.deep.equal(['k=v', 'k2=v2']);
    expect(parseFlags(['-n=ns2'], SPECS).strings.get('namespace')).to.equal('ns2');
  });

  it('reads booleans with or without =true|false, and optional values with their implied default', () => {
    expect(parseFlags(['--enable'], SPECS).booleans.get('enable')).to.equal(true);
    expect(parseFlags(['--enable=false'], SPECS).booleans.get('enable')).to.equal(false);
    expect(parseFlags(['--dry-run'], SPECS).strings.get('dry-run')).to.equal('client');
    expect(parseFlags(['--dry-run=server'], SPECS).strings.get('dry-run')).to.equal('server');
    const spaced = parseFlags(['--dry-run', 'client'], SPECS);
    expect(spaced.positionals).to.deep.equal(['client']);
  });

  it('lets the last value of a string flag win and stops at --', () => {
    const p = parseFlags(['--server', 'a', '--server', 'b', '--', '--enable', 'x'], SPECS);
    expect(p.strings.get('server')).to.equal('b');
    expect(p.booleans.has('enable')).to.equal(false);
    expect(p.positionals).to.deep.equal(['--enable', 'x']);
  });

  it('refuses unknown flags, missing values and bad booleans with one-line UsageErrors', () => {
    const cases: [string[], string][] = [
      [['--bogus'], 'unknown flag: --bogus'],
      [['--bogus=1'], 'unknown flag: --bogus'],
      [['-x'], 'unknown flag: -x'],
      [['-server'], 'unknown flag: -server'],
      [['-hx'], 'unknown flag: -hx'],
      [['--server'], 'flag needs an argument: --server'],
      [['-n'], 'flag needs an argument: -n'],
      [['--enable=yes'], 'invalid value "yes" for --enable: want true or false'],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseFlags(argv, SPECS), argv.join(' ')).to.throw(UsageError, message);
    }
  });
});

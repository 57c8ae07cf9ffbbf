import { expect } from 'chai';
import fc from 'fast-check';
import {
  LabelSelectorError,
  matchesLabels,
  parseLabelSelector,
} from '../../../src/translate/label-selector.ts';

const labels = { region: 'us', env: 'prod', tier: 'web', 'kubemci.io/enabled': 'true' };

describe('translate: label selector', () => {
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['   ', true],
    ['region=us', true],
    ['region==us', true],
    ['region=eu', false],
    ['region!=eu', true],
    ['region!=us', false],
    ['missing!=x', true],
    ['region', true],
    ['missing', false],
    ['!missing', true],
    ['!region', false],
    ['tier in (web, api)', true],
    ['tier in (api)', false],
    ['tier notin (api,db)', true],
    ['tier notin (web)', false],
    ['missing notin (a)', true],
    ['missing in (a)', false],
    ['region=us,env=prod', true],
    ['region=us, env=dev', false],
    ['kubemci.io/enabled=true,region in (us,eu),!legacy', true],
    ['empty=', false],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} ${expected ? 'matches' : 'does not match'}`, () => {
      expect(matchesLabels(parseLabelSelector(text), labels)).to.equal(expected);
    });
  }

  it('matches an empty value only against an empty label', () => {
    expect(matchesLabels(parseLabelSelector('a='), { a: '' })).to.equal(true);
    expect(matchesLabels(parseLabelSelector('a in (x,)'), { a: '' })).to.equal(true);
  });

  it('parses to requirements', () => {
    expect(parseLabelSelector('a=1,b!=2,c in (x,y,x),d,!e').requirements).to.deep.equal([
      { key: 'a', operator: 'in', values: ['1'] },
      { key: 'b', operator: 'notin', values: ['2'] },
      { key: 'c', operator: 'in', values: ['x', 'y'] },
      { key: 'd', operator: 'exists', values: [] },
      { key: 'e', operator: 'doesnotexist', values: [] },
    ]);
  });

  for (const bad of [
    'a in (',
    'a in b',
    'a in ()x',
    'a b',
    'a=b=c',
    ',a',
    'a,',
    '!',
    'a>1',
    'a=b c',
    '-a=b',
    'a=b-',
    `a=${'x'.repeat(64)}`,
    'Bad_Prefix/a=b',
    'a%b',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(() => parseLabelSelector(bad)).to.throw(LabelSelectorError);
    });
  }

  it('property: never throws anything but LabelSelectorError', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseLabelSelector(text);
        } catch (error) {
          expect(error).to.be.instanceOf(LabelSelectorError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: key=value matches exactly the label sets holding that value', () => {
    const token = fc.stringMatching(/^[a-z]([a-z0-9]{0,8})?$/);
    fc.assert(
      fc.property(token, token, fc.dictionary(token, token), (key, value, set) => {
        expect(matchesLabels(parseLabelSelector(`${key}=${value}`), set)).to.equal(set[key] === value);
        expect(matchesLabels(parseLabelSelector(`${key}!=${value}`), set)).to.equal(set[key] !== value);
      }),
    );
  });
});

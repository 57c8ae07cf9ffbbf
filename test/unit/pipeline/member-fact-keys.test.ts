import { expect } from 'chai';
import {
  dependentsOf,
  EMPTY_DEPENDENCY_INDEX,
  withDependencies,
} from '../../../src/pipeline/dependency-index.ts';
import { memberFactsToKeys } from '../../../src/pipeline/member-fact-keys.ts';
import type { MemberFact } from '../../../src/pipeline/types.ts';
import { newTestScheduler } from './marbles.ts';

const svc = (cluster: string, name: string): MemberFact => ({
  cluster,
  kind: 'Service',
  namespace: 'shop',
  name,
});

describe('dependency index', () => {
  it('records, replaces and removes the facts an Ingress depends on, without changing older snapshots', () => {
    const one = withDependencies(EMPTY_DEPENDENCY_INDEX, 'shop/web', [svc('us', 'web'), svc('eu', 'web')]);
    const two = withDependencies(one, 'shop/api', [svc('us', 'web')]);
    expect(dependentsOf(two, svc('us', 'web'))).to.deep.equal(['shop/web', 'shop/api']);
    const three = withDependencies(two, 'shop/web', [svc('eu', 'web')]);
    expect(dependentsOf(three, svc('us', 'web'))).to.deep.equal(['shop/api']);
    expect(dependentsOf(three, svc('eu', 'web'))).to.deep.equal(['shop/web']);
    const four = withDependencies(three, 'shop/web', []);
    expect(dependentsOf(four, svc('eu', 'web'))).to.deep.equal([]);
    expect(four.byIngress.has('shop/web')).to.equal(false);
    expect(dependentsOf(one, svc('us', 'web'))).to.deep.equal(['shop/web']);
  });
});

describe('memberFactsToKeys', () => {
  it('maps a member fact to the Ingresses that depend on it, per the latest index', () => {
    newTestScheduler().run(({ hot, expectObservable }) => {
      const first = withDependencies(EMPTY_DEPENDENCY_INDEX, 'shop/web', [svc('us', 'web')]);
      const second = withDependencies(first, 'shop/api', [svc('us', 'web')]);
      const index = hot('  --a--b', { a: first, b: second });
      const facts = hot('  -f-fg-f', { f: svc('us', 'web'), g: svc('eu', 'web') });
      const keys = facts.pipe(memberFactsToKeys({ index$: index }));
      expectObservable(keys).toBe('---w--(wa)', { w: 'shop/web', a: 'shop/api' });
    });
  });
});

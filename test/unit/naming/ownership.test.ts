import { expect } from 'chai';
import fc from 'fast-check';
import { isOwnedBy, ownershipDescription, parseOwnership } from '../../../src/naming/ownership.ts';

const owner = { instanceId: 'uid-1', namespace: 'shop', name: 'frontend' };

describe('naming: ownership marker', () => {
  it('writes a compact JSON marker', () => {
    expect(ownershipDescription(owner)).to.equal(
      '{"managedBy":"kubemci.io","instance":"uid-1","ingress":"shop/frontend"}',
    );
    expect(JSON.parse(ownershipDescription(owner, 'service web port 80'))).to.include({
      about: 'service web port 80',
    });
  });

  it('reads back what it writes', () => {
    expect(parseOwnership(ownershipDescription(owner, 'x'))).to.deep.equal(owner);
  });

  it('does not recognise descriptions that are not ours', () => {
    for (const description of [
      undefined,
      '',
      'Backend service for kubernetes multicluster loadbalancer shop',
      '{"kubernetes.io/service-name":"shop/web"}',
      '{"managedBy":"someone-else","instance":"uid-1","ingress":"shop/frontend"}',
      '{"managedBy":"kubemci.io","instance":"","ingress":"shop/frontend"}',
      '{"managedBy":"kubemci.io","instance":"uid-1","ingress":"frontend"}',
      '{"managedBy":"kubemci.io","instance":"uid-1","ingress":"a/b/c"}',
      '{"managedBy":"kubemci.io","instance":"uid-1"',
      '["managedBy"]',
      42,
    ]) {
      expect(parseOwnership(description), String(description)).to.equal(undefined);
    }
  });

  it('tells our instance and Ingress from others', () => {
    const description = ownershipDescription(owner);
    expect(isOwnedBy(description, 'uid-1')).to.equal(true);
    expect(isOwnedBy(description, 'uid-1', { namespace: 'shop', name: 'frontend' })).to.equal(true);
    expect(isOwnedBy(description, 'uid-1', { namespace: 'shop', name: 'other' })).to.equal(false);
    expect(isOwnedBy(description, 'uid-2')).to.equal(false);
    expect(isOwnedBy('not json', 'uid-1')).to.equal(false);
  });

  it('property: round-trips any owner and never throws on any string', () => {
    const segment = fc.string({ minLength: 1 }).filter((s) => !s.includes('/'));
    fc.assert(
      fc.property(
        fc.record({ instanceId: fc.string({ minLength: 1 }), namespace: segment, name: segment }),
        fc.string(),
        (o, about) => {
          expect(parseOwnership(ownershipDescription(o, about))).to.deep.equal(o);
        },
      ),
    );
    fc.assert(fc.property(fc.string(), (s) => void parseOwnership(s)));
  });
});

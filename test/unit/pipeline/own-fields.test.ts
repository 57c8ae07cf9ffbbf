import { expect } from 'chai';
import {
  CLEANUP_FINALIZER,
  onlyOwnFieldsChanged,
  STATUS_ANNOTATION,
} from '../../../src/pipeline/own-fields.ts';
import { ingress } from './fixtures.ts';

describe('onlyOwnFieldsChanged', () => {
  const base = ingress('web', { rv: '10', annotations: { team: 'shop' }, finalizers: ['other.io/keep'] });

  it('holds for the echo of our own writes: status annotation, VIP, finalizer, resourceVersion', () => {
    const ours = ingress('web', {
      rv: '11',
      annotations: { team: 'shop', [STATUS_ANNOTATION]: '{"v":1,"vip":"203.0.113.7"}' },
      finalizers: ['other.io/keep', CLEANUP_FINALIZER],
      vip: '203.0.113.7',
    });
    expect(onlyOwnFieldsChanged(base, ours)).to.equal(true);
    expect(onlyOwnFieldsChanged(ours, base)).to.equal(true);
  });

  it('holds when our first write creates the annotation map, the finalizer list and the status', () => {
    const bare = ingress('web');
    const written = ingress('web', {
      rv: '2',
      annotations: { [STATUS_ANNOTATION]: '{}' },
      finalizers: [CLEANUP_FINALIZER],
      vip: '203.0.113.7',
    });
    expect(onlyOwnFieldsChanged(bare, written)).to.equal(true);
  });

  it('holds when nothing changed, and ignores managedFields', () => {
    const withManaged = { ...base, metadata: { ...base.metadata, managedFields: [{ manager: 'kubemci' }] } };
    expect(onlyOwnFieldsChanged(base, base)).to.equal(true);
    expect(onlyOwnFieldsChanged(base, withManaged)).to.equal(true);
  });

  it('fails for a spec change, a generation bump, a user annotation, label or finalizer, or deletion', () => {
    expect(onlyOwnFieldsChanged(base, ingress('web', { ...baseExtra(), tlsSecrets: ['cert'] }))).to.equal(
      false,
    );
    expect(onlyOwnFieldsChanged(base, ingress('web', { ...baseExtra(), generation: 2 }))).to.equal(false);
    expect(
      onlyOwnFieldsChanged(
        base,
        ingress('web', { ...baseExtra(), annotations: { team: 'shop', 'x.io/y': '1' } }),
      ),
    ).to.equal(false);
    expect(onlyOwnFieldsChanged(base, ingress('web', { ...baseExtra(), labels: { env: 'prod' } }))).to.equal(
      false,
    );
    expect(onlyOwnFieldsChanged(base, ingress('web', { ...baseExtra(), finalizers: [] }))).to.equal(false);
    const deleting = { ...base, metadata: { ...base.metadata, deletionTimestamp: new Date(0) } };
    expect(onlyOwnFieldsChanged(base, deleting)).to.equal(false);
  });

  function baseExtra(): { rv: string; annotations: Record<string, string>; finalizers: string[] } {
    return { rv: '12', annotations: { team: 'shop' }, finalizers: ['other.io/keep'] };
  }
});

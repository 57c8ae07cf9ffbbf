import { expect } from 'chai';
import type { ObservedResource } from '../../../src/model/gce.ts';
import { ResourceCache } from '../../../src/gce/resource-cache.ts';
import { InstantClock } from './instant-clock.ts';

const um = (name: string, fingerprint = 'f1'): ObservedResource => ({
  kind: 'urlMaps',
  name,
  body: { name, fingerprint },
});

describe('ResourceCache', () => {
  const ours = (name: string) => name.startsWith('mci-');

  it('answers from a fresh list: present, absent, and unknown for names the list does not cover', () => {
    const clock = new InstantClock();
    const cache = new ResourceCache(clock, 1000, ours);
    cache.completeList('urlMaps', cache.beginRead(), [um('mci-a')]);
    expect(cache.lookup('urlMaps', 'mci-a')).to.deep.equal({ known: true, resource: um('mci-a') });
    expect(cache.lookup('urlMaps', 'mci-b')).to.deep.equal({ known: true, resource: undefined });
    expect(cache.lookup('urlMaps', 'foreign')).to.deep.equal({ known: false });
    clock.time = 1000;
    expect(cache.isListFresh('urlMaps')).to.equal(false);
    expect(cache.lookup('urlMaps', 'mci-a')).to.deep.equal({ known: false });
  });

  it('keeps a write over a list that began before it', () => {
    const cache = new ResourceCache(new InstantClock(), 1000, ours);
    const token = cache.beginRead();
    cache.markStale('urlMaps', 'mci-a');
    cache.markAbsent('urlMaps', 'mci-b');
    cache.completeList('urlMaps', token, [um('mci-a', 'old'), um('mci-b')]);
    expect(cache.staleNames('urlMaps')).to.deep.equal(['mci-a']);
    expect(cache.snapshot('urlMaps')).to.deep.equal([]);
    cache.put(um('mci-a', 'older'), token);
    expect(cache.lookup('urlMaps', 'mci-a')).to.deep.equal({ known: false });
    cache.put(um('mci-a', 'new'));
    expect(cache.snapshot('urlMaps')).to.deep.equal([um('mci-a', 'new')]);
  });

  it('drops names a new list no longer has, but keeps names outside the prefix', () => {
    const cache = new ResourceCache(new InstantClock(), 1000, ours);
    cache.put({ kind: 'addresses', name: 'user-ip', body: { name: 'user-ip' } });
    cache.completeList('addresses', cache.beginRead(), [{ kind: 'addresses', name: 'mci-x', body: {} }]);
    cache.completeList('addresses', cache.beginRead(), []);
    expect(cache.snapshot('addresses')).to.deep.equal([]);
    expect(cache.lookup('addresses', 'user-ip')).to.have.property('known', true);
    cache.invalidate();
    expect(cache.lookup('addresses', 'user-ip')).to.deep.equal({ known: false });
    expect(cache.isListFresh('addresses')).to.equal(false);
  });
});

describe('ResourceCache owner index', () => {
  const owned = (name: string, owner: string): ObservedResource => ({
    kind: 'urlMaps',
    name,
    body: { name, description: owner },
  });
  const ownerOf = (r: ObservedResource) =>
    typeof r.body.description === 'string' ? r.body.description : undefined;

  it("answers one owner's resources and follows lists, re-reads, writes and deletes", () => {
    const cache = new ResourceCache(new InstantClock(), 1000, (n) => n.startsWith('mci2-'), ownerOf);
    cache.completeList('urlMaps', cache.beginRead(), [
      owned('mci2-a', 'x'),
      owned('mci2-b', 'y'),
      owned('mci2-c', 'x'),
    ]);
    expect(cache.snapshotOwned('urlMaps', 'x').map((r) => r.name)).to.deep.equal(['mci2-a', 'mci2-c']);
    expect(cache.snapshotOwned('healthChecks', 'x')).to.deep.equal([]);
    // A re-read that finds another owner moves the entry.
    cache.put(owned('mci2-c', 'y'));
    expect(cache.snapshotOwned('urlMaps', 'x').map((r) => r.name)).to.deep.equal(['mci2-a']);
    expect(cache.snapshotOwned('urlMaps', 'y').map((r) => r.name)).to.deep.equal(['mci2-b', 'mci2-c']);
    // A write makes the body unknown until read; a delete removes it.
    cache.markStale('urlMaps', 'mci2-a');
    cache.markAbsent('urlMaps', 'mci2-b');
    expect(cache.snapshotOwned('urlMaps', 'x')).to.deep.equal([]);
    expect(cache.snapshotOwned('urlMaps', 'y').map((r) => r.name)).to.deep.equal(['mci2-c']);
    cache.invalidate();
    expect(cache.snapshotOwned('urlMaps', 'y')).to.deep.equal([]);
  });
});

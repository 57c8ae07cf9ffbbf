// §8 row "Lists & filters": items omitted when empty, maxResults ≤ 500 with nextPageToken, the
// regular-expression filter form (full match), the AIP-160 form and the parenthesised AND form.
import { expect } from 'chai';
import { compileFilter } from '../../emulator/filter.ts';
import { ManualClock } from '../../emulator/index.ts';
import { PROJECT, expectApiError, useEmulator } from './helpers.ts';

describe('emulator: lists, paging and filters', () => {
  const clock = new ManualClock();
  const ctx = useEmulator({ clock });
  const names = ['k8s-be-30001', 'k8s-be-30002', 'k8s-um-shop', 'other', 'zz-last'];
  const list = (params: { filter?: string; maxResults?: number; pageToken?: string; orderBy?: string }) =>
    ctx.api.healthChecks.list({ project: PROJECT, ...params }).then((r) => r.data);

  beforeEach(async () => {
    for (const [i, name] of names.entries()) {
      await ctx.api.healthChecks.insert({
        project: PROJECT,
        requestBody: { name, type: i % 2 ? 'TCP' : 'HTTP', description: `n${i}` },
      });
      clock.advance(1000);
    }
  });

  it('omits items when nothing matches and keeps kind, id and selfLink', async () => {
    const empty = await list({ filter: 'name eq nothing' });
    expect(empty).to.deep.equal({
      kind: 'compute#healthCheckList',
      id: `projects/${PROJECT}/global/healthChecks`,
      selfLink: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/healthChecks`,
    });
  });

  it('pages with maxResults and nextPageToken, in name order', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await list({ maxResults: 2, ...(pageToken ? { pageToken } : {}) });
      seen.push(...(page.items ?? []).map((i) => String(i.name)));
      pageToken = page.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(names);
  });

  it('refuses maxResults over 500 and a forged page token', async () => {
    await expectApiError(list({ maxResults: 501 }), 400, 'invalid');
    await expectApiError(list({ pageToken: 'Zm9yZ2Vk' }), 400, 'invalid');
    const first = await list({ maxResults: 2 });
    await expectApiError(
      list({ maxResults: 2, pageToken: String(first.nextPageToken), filter: 'name eq k8s.*' }),
      400,
      'invalid',
    );
  });

  const cases: [string, string[]][] = [
    ['name eq "k8s-be-.*"', ['k8s-be-30001', 'k8s-be-30002']],
    ['name eq k8s-be-.*', ['k8s-be-30001', 'k8s-be-30002']],
    ["name eq 'k8s'", []],
    ['name ne .*-3000[12]', ['k8s-um-shop', 'other', 'zz-last']],
    ['(name eq k8s-.*) (type eq TCP)', ['k8s-be-30002']],
    ['name = "other"', ['other']],
    ['name != other', ['k8s-be-30001', 'k8s-be-30002', 'k8s-um-shop', 'zz-last']],
    ['name = "k8s-*"', ['k8s-be-30001', 'k8s-be-30002', 'k8s-um-shop']],
    ['(type = TCP) OR (name = zz-last)', ['k8s-be-30002', 'other', 'zz-last']],
    ['(name = k8s-*) AND (type = HTTP)', ['k8s-be-30001', 'k8s-um-shop']],
    ['checkIntervalSec > 4', names],
    ['description:*', names],
    ['httpHealthCheck.port = 80', ['k8s-be-30001', 'k8s-um-shop', 'zz-last']],
  ];
  for (const [filter, expected] of cases) {
    it(`filters ${filter}`, async () => {
      const got = await list({ filter });
      expect((got.items ?? []).map((i) => i.name)).to.deep.equal(expected);
    });
  }

  it('refuses mixing eq with = and a malformed expression', async () => {
    await expectApiError(list({ filter: '(name eq a) (type = TCP)' }), 400, 'invalid');
    await expectApiError(list({ filter: '(name eq a' }), 400, 'invalid');
    await expectApiError(list({ filter: 'name eq (' }), 400, 'invalid');
  });

  it('orders by creationTimestamp desc when asked, and refuses other orders', async () => {
    const got = await list({ orderBy: 'creationTimestamp desc' });
    expect(got.items?.map((i) => i.name)).to.deep.equal([...names].reverse());
    await expectApiError(list({ orderBy: 'description' }), 400, 'invalid');
  });

  it('serves aggregatedList with global items under "global", paged', async () => {
    const page = await ctx.api.healthChecks.aggregatedList({ project: PROJECT, maxResults: 3 });
    expect(page.data.kind).to.equal('compute#healthChecksAggregatedList');
    expect(page.data.items?.global?.healthChecks?.map((h) => h.name)).to.deep.equal(names.slice(0, 3));
    expect(page.data.nextPageToken).to.be.a('string');
  });
});

describe('filter expressions (compiled directly)', () => {
  it('matches regular expressions against the whole value, arrays element-wise', () => {
    const f = compileFilter('tags eq web');
    expect(f.matches({ tags: ['db', 'web'] })).to.equal(true);
    expect(f.matches({ tags: ['webserver'] })).to.equal(false);
    expect(compileFilter('labels.env = prod').matches({ labels: { env: 'prod' } })).to.equal(true);
    expect(compileFilter('NOT name = a').matches({ name: 'b' })).to.equal(true);
    expect(compileFilter('').matches({})).to.equal(true);
  });
});

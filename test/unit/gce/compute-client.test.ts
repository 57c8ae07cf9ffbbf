import { inspect } from 'node:util';
import { expect } from 'chai';
import nock from 'nock';
import type { RequestBudget, MethodGroup } from '../../../src/gce/budget.ts';
import type { CallRecord } from '../../../src/gce/call-layer.ts';
import { createGceClient } from '../../../src/gce/compute-client.ts';
import type { GceClientOptions } from '../../../src/gce/compute-client.ts';
import {
  AlreadyExistsError,
  GceError,
  InUseError,
  InvalidError,
  NotReadyError,
  OperationTimeoutError,
  PermissionDeniedError,
  PreconditionFailedError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnauthenticatedError,
} from '../../../src/gce/errors.ts';
import { InstantClock } from './instant-clock.ts';

const ROOT = 'http://gce.test';
const P = '/compute/v1/projects/p';

function apiError(code: number, reason: string, message = `${reason} happened`) {
  return { error: { code, message, errors: [{ reason, message, domain: 'global' }] } };
}

function op(name: string, status = 'DONE', extra: Record<string, unknown> = {}) {
  return { kind: 'compute#operation', name, status, ...extra };
}

/**
 * The URL of an intercepted request. nock 15 passes reply functions a fetch `Request` (its
 * README still shows the older path string), so accept either.
 */
function urlOf(req: unknown): URL {
  return new URL(req instanceof Request ? req.url : String(req), ROOT);
}

function requestIdOf(req: unknown): string | null {
  return urlOf(req).searchParams.get('requestId');
}

interface Harness {
  readonly clock: InstantClock;
  readonly calls: CallRecord[];
  readonly spent: MethodGroup[];
  readonly client: ReturnType<typeof createGceClient>;
}

function harness(overrides: Partial<GceClientOptions> = {}): Harness {
  const clock = new InstantClock();
  const calls: CallRecord[] = [];
  const spent: MethodGroup[] = [];
  const budget: RequestBudget = { acquire: (g) => (spent.push(g), Promise.resolve()) };
  let ids = 0;
  const client = createGceClient({
    project: 'p',
    endpoint: `${ROOT}/ignored/path`,
    credentials: { source: 'access-token', token: 'tok-secret' },
    namePrefix: 'mci1-',
    budget,
    clock,
    random: () => 0.5,
    newRequestId: () => `rid-${++ids}`,
    onCall: (r) => calls.push(r),
    cacheTtlMs: 60_000,
    ...overrides,
  });
  return { clock, calls, spent, client };
}

describe('GCE client (HTTP, with nock)', () => {
  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  describe('the library underneath', () => {
    it('does not retry by itself: one request per attempt for 503 GET, 429 PUT and a reset GET', async () => {
      const { client } = harness({ retry: { maxAttempts: 1 } });
      let gets = 0;
      let puts = 0;
      nock(ROOT)
        .get(`${P}/global/backendServices/a`)
        .times(4)
        .reply(() => (gets++, [503, apiError(503, 'backendError')]));
      nock(ROOT)
        .put(`${P}/global/backendServices/a`)
        .query(true)
        .times(4)
        .reply(() => (puts++, [429, apiError(429, 'rateLimitExceeded')]));
      expect(await client.get('backendServices', 'a').catch((e: unknown) => e)).to.be.instanceOf(
        TransientError,
      );
      expect(
        await client.update('backendServices', 'a', { name: 'a' }).catch((e: unknown) => e),
      ).to.be.instanceOf(RateLimitedError);
      expect({ gets, puts }).to.deep.equal({ gets: 1, puts: 1 });
      nock.cleanAll();
      let resets = 0;
      nock(ROOT)
        .get(`${P}/global/urlMaps/a`)
        .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      nock(ROOT)
        .get(`${P}/global/urlMaps/a`)
        .reply(() => (resets++, [200, {}]));
      const lost = await client.get('urlMaps', 'a').catch((e: unknown) => e);
      expect(lost).to.be.instanceOf(TransientError).and.include({ status: undefined, reason: 'ECONNRESET' });
      expect(resets, 'no hidden re-send after a lost response').to.equal(0);
    });

    it('sends the bearer token to the configured origin, and keeps it out of errors', async () => {
      const { client } = harness();
      let auth: string | undefined;
      nock(ROOT)
        .get(`${P}/global/sslCertificates/c`)
        .reply((req: unknown) => {
          auth = req instanceof Request ? (req.headers.get('authorization') ?? undefined) : undefined;
          return [400, apiError(400, 'invalid', "Invalid value for field 'name'")];
        });
      const err = await client.get('sslCertificates', 'c').catch((e: unknown) => e);
      expect(auth).to.equal('Bearer tok-secret');
      expect(err).to.be.instanceOf(InvalidError);
      expect(inspect(err, { depth: 20 })).to.not.include('tok-secret');
    });
  });

  describe('one retry layer', () => {
    it('retries a lost insert with the same requestId, through the budget and the call log', async () => {
      const h = harness();
      const ids: (string | null)[] = [];
      nock(ROOT)
        .post(`${P}/global/backendServices`)
        .query(true)
        .reply((uri: unknown) => (ids.push(requestIdOf(uri)), [503, apiError(503, 'backendError')]));
      nock(ROOT)
        .post(`${P}/global/backendServices`)
        .query(true)
        .reply((uri: unknown) => (ids.push(requestIdOf(uri)), [200, op('op-1')]));
      const result = await h.client.insert('backendServices', { name: 'mci1-bs' });
      expect(result).to.deep.include({ method: 'compute.backendServices.insert' });
      expect(result.operation?.status).to.equal('DONE');
      expect(ids).to.deep.equal(['rid-1', 'rid-1']);
      expect(h.spent).to.deep.equal(['write', 'write']);
      expect(h.calls.map((c) => [c.method, c.status, c.attempt, c.errorKind])).to.deep.equal([
        ['compute.backendServices.insert', 503, 1, 'transient'],
        ['compute.backendServices.insert', 200, 2, undefined],
      ]);
      expect(h.clock.sleeps).to.deep.equal([750]);
    });

    it('treats 409 on a re-sent insert as success when a get shows our resource', async () => {
      const h = harness();
      const ids: (string | null)[] = [];
      nock(ROOT)
        .post(`${P}/global/urlMaps`)
        .query(true)
        .reply((uri: unknown) => {
          ids.push(requestIdOf(uri));
          return [500, apiError(500, 'internalError')];
        });
      nock(ROOT)
        .post(`${P}/global/urlMaps`)
        .query(true)
        .reply((uri: unknown) => (ids.push(requestIdOf(uri)), [409, apiError(409, 'alreadyExists')]));
      nock(ROOT)
        .get(`${P}/global/urlMaps/mci1-um`)
        .reply(200, { name: 'mci1-um', description: 'owner=x', fingerprint: 'f1' });
      const result = await h.client.insert('urlMaps', { name: 'mci1-um', description: 'owner=x' });
      expect(result.settled).to.equal('existedAfterLostResponse');
      expect(ids).to.deep.equal(['rid-1', 'rid-1']);
    });

    it('reports 409 on a first insert as AlreadyExistsError', async () => {
      const { client } = harness();
      nock(ROOT).post(`${P}/global/urlMaps`).query(true).reply(409, apiError(409, 'alreadyExists'));
      const err = await client.insert('urlMaps', { name: 'mci1-um' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(AlreadyExistsError).and.include({
        kind: 'alreadyExists',
        status: 409,
        reason: 'alreadyExists',
        method: 'compute.urlMaps.insert',
      });
    });

    it('treats 404 on delete as success, and then knows the resource is gone', async () => {
      const h = harness();
      nock(ROOT)
        .delete(`${P}/global/forwardingRules/mci1-fr`)
        .query(true)
        .reply(404, apiError(404, 'notFound'));
      expect(await h.client.delete('globalForwardingRules', 'mci1-fr')).to.deep.equal({
        method: 'compute.globalForwardingRules.delete',
        settled: 'alreadyAbsent',
      });
      expect(await h.client.get('globalForwardingRules', 'mci1-fr')).to.equal(undefined);
      expect(h.calls).to.have.length(1);
    });

    it('classifies HTTP errors once, and retries only transient, rate-limited and not-ready ones', async () => {
      const cases: [number, string, new (...a: never[]) => GceError, number][] = [
        [412, 'conditionNotMet', PreconditionFailedError, 1],
        [400, 'resourceInUseByAnotherResource', InUseError, 1],
        [400, 'invalid', InvalidError, 1],
        [403, 'quotaExceeded', QuotaExceededError, 1],
        [403, 'forbidden', PermissionDeniedError, 1],
        [401, 'authError', UnauthenticatedError, 1],
        [400, 'resourceNotReady', NotReadyError, 3],
        [403, 'rateLimitExceeded', RateLimitedError, 3],
        [429, 'rateLimitExceeded', RateLimitedError, 3],
        [502, 'backendError', TransientError, 3],
      ];
      for (const [status, reason, cls, attempts] of cases) {
        const h = harness({ retry: { maxAttempts: 3 } });
        let sent = 0;
        nock(ROOT)
          .patch(`${P}/global/urlMaps/mci1-um`)
          .query(true)
          .times(3)
          .reply(() => (sent++, [status, apiError(status, reason)]));
        const err = await h.client.patch('urlMaps', 'mci1-um', { fingerprint: 'f' }).catch((e: unknown) => e);
        expect(err, `${status} ${reason}`).to.be.instanceOf(cls).and.include({ status, reason });
        expect(sent, `${status} ${reason} attempts`).to.equal(attempts);
        if (reason === 'rateLimitExceeded') expect(h.clock.sleeps[0]).to.be.at.least(5000);
        nock.cleanAll();
      }
    });

    it('refuses a verb the collection does not have, without sending anything', async () => {
      const h = harness();
      const err = await h.client.update('targetHttpProxies', 'mci1-tp', {}).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidError);
      expect((err as Error).message).to.match(/targetHttpProxies has no update/);
      expect(h.calls).to.deep.equal([]);
    });
  });

  describe('operations', () => {
    it('waits with globalOperations.wait until DONE, pausing between early returns', async () => {
      const h = harness({ operations: { pollIntervalMs: 1000 } });
      nock(ROOT)
        .post(`${P}/targetHttpProxies/mci1-tp/setUrlMap`, { urlMap: 'global/urlMaps/mci1-um' })
        .query(true)
        .reply(200, op('op-7', 'RUNNING'));
      nock(ROOT).post(`${P}/global/operations/op-7/wait`).reply(200, op('op-7', 'RUNNING'));
      nock(ROOT).post(`${P}/global/operations/op-7/wait`).reply(200, op('op-7', 'DONE'));
      const result = await h.client.setUrlMap('targetHttpProxies', 'mci1-tp', {
        urlMap: 'global/urlMaps/mci1-um',
      });
      expect(result.operation).to.deep.include({ name: 'op-7', status: 'DONE' });
      expect(h.calls.map((c) => c.method)).to.deep.equal([
        'compute.targetHttpProxies.setUrlMap',
        'compute.globalOperations.wait',
        'compute.globalOperations.wait',
      ]);
      expect(h.spent).to.deep.equal(['write', 'read', 'read']);
      expect(h.clock.sleeps).to.deep.equal([1000]);
    });

    it('polls zonal operations through zoneOperations', async () => {
      const h = harness({ operations: { mode: 'get', pollIntervalMs: 0 } });
      const zone = 'https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b';
      nock(ROOT)
        .post(`${P}/global/forwardingRules/mci1-fr/setTarget`)
        .query(true)
        .reply(200, op('op-z', 'PENDING', { zone }));
      nock(ROOT)
        .get(`${P}/zones/us-east1-b/operations/op-z`)
        .reply(200, op('op-z', 'DONE', { zone }));
      await h.client.setTarget('globalForwardingRules', 'mci1-fr', { target: 'x' });
      expect(h.calls.map((c) => c.method)).to.deep.equal([
        'compute.globalForwardingRules.setTarget',
        'compute.zoneOperations.get',
      ]);
    });

    it('throws the classified error of a failed operation, not retried when terminal', async () => {
      const h = harness();
      nock(ROOT).post(`${P}/global/backendServices`).query(true).reply(200, op('op-q', 'RUNNING'));
      nock(ROOT)
        .post(`${P}/global/operations/op-q/wait`)
        .reply(
          200,
          op('op-q', 'DONE', {
            httpErrorStatusCode: 403,
            error: {
              errors: [{ code: 'QUOTA_EXCEEDED', message: "Quota 'BACKEND_SERVICES' exceeded. Limit: 5.0" }],
            },
          }),
        );
      const err = await h.client.insert('backendServices', { name: 'mci1-bs' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(QuotaExceededError).and.include({ status: 403, operation: 'op-q' });
      expect((err as Error).message).to.include("QUOTA_EXCEEDED - Quota 'BACKEND_SERVICES' exceeded");
    });

    it('re-sends with a new requestId when the operation failed with a retryable error', async () => {
      const h = harness();
      const ids: (string | null)[] = [];
      let n = 0;
      nock(ROOT)
        .put(`${P}/global/urlMaps/mci1-um`)
        .query(true)
        .times(2)
        .reply((uri: unknown) => {
          ids.push(requestIdOf(uri));
          n++;
          return n === 1
            ? [
                200,
                op('op-1', 'DONE', { error: { errors: [{ code: 'RESOURCE_NOT_READY', message: 'busy' }] } }),
              ]
            : [200, op('op-2', 'DONE')];
        });
      const result = await h.client.update('urlMaps', 'mci1-um', { name: 'mci1-um', fingerprint: 'f' });
      expect(result.operation?.name).to.equal('op-2');
      expect(ids).to.deep.equal(['rid-1', 'rid-2']);
    });

    it('gives up at the deadline with OperationTimeoutError', async () => {
      const h = harness({ operations: { mode: 'get', timeoutMs: 3000, pollIntervalMs: 1000 } });
      nock(ROOT).delete(`${P}/global/urlMaps/mci1-um`).query(true).reply(200, op('op-h', 'RUNNING'));
      nock(ROOT).get(`${P}/global/operations/op-h`).times(10).reply(200, op('op-h', 'RUNNING'));
      const err = await h.client.delete('urlMaps', 'mci1-um').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(OperationTimeoutError).and.include({ kind: 'timeout', operation: 'op-h' });
      expect(h.clock.time).to.equal(3000);
      expect(h.calls.filter((c) => c.method === 'compute.globalOperations.get')).to.have.length(3);
    });
  });

  describe('observation', () => {
    const bs = (name: string, fingerprint = 'f1') => ({ name, fingerprint, kind: 'compute#backendService' });

    it('lists with our prefix filter and paging, then serves resyncs from the cache', async () => {
      const h = harness({ pageSize: 2 });
      const queries: Record<string, string>[] = [];
      const record = (req: unknown) => queries.push(Object.fromEntries(urlOf(req).searchParams));
      nock(ROOT)
        .get(`${P}/global/backendServices`)
        .query(true)
        .reply(
          (req: unknown) => (
            record(req),
            [200, { items: [bs('mci1-a'), bs('mci1-b')], nextPageToken: 'page2' }]
          ),
        );
      nock(ROOT)
        .get(`${P}/global/backendServices`)
        .query(true)
        .reply((req: unknown) => (record(req), [200, { items: [bs('mci1-c')] }]));
      nock(ROOT).get(`${P}/global/urlMaps`).query(true).reply(200, {});
      const first = await h.client.observe(['backendServices', 'urlMaps']);
      expect(first.map((r) => `${r.kind}/${r.name}`)).to.deep.equal([
        'backendServices/mci1-a',
        'backendServices/mci1-b',
        'backendServices/mci1-c',
      ]);
      expect(queries).to.deep.equal([
        { maxResults: '2', filter: 'name eq mci1-.*' },
        { maxResults: '2', filter: 'name eq mci1-.*', pageToken: 'page2' },
      ]);
      const reads = h.calls.length;
      const again = await h.client.observe(['backendServices', 'urlMaps']);
      expect(again).to.deep.equal(first);
      expect(h.calls.length, 'an unchanged resync reads nothing').to.equal(reads);
    });

    it('re-reads only what we wrote, forgets what we deleted, and lists again after the TTL', async () => {
      const h = harness();
      nock(ROOT)
        .get(`${P}/global/backendServices`)
        .query(true)
        .reply(200, { items: [bs('mci1-a'), bs('mci1-b')] });
      await h.client.observe(['backendServices']);
      nock(ROOT).put(`${P}/global/backendServices/mci1-a`).query(true).reply(200, op('op-u'));
      nock(ROOT).delete(`${P}/global/backendServices/mci1-b`).query(true).reply(200, op('op-d'));
      await h.client.update('backendServices', 'mci1-a', { name: 'mci1-a', fingerprint: 'f1' });
      await h.client.delete('backendServices', 'mci1-b');
      nock(ROOT).get(`${P}/global/backendServices/mci1-a`).reply(200, bs('mci1-a', 'f2'));
      const before = h.calls.length;
      const after = await h.client.observe(['backendServices']);
      expect(after.map((r) => r.body)).to.deep.equal([bs('mci1-a', 'f2')]);
      expect(h.calls.slice(before).map((c) => c.method)).to.deep.equal(['compute.backendServices.get']);
      h.clock.time += 60_000;
      nock(ROOT)
        .get(`${P}/global/backendServices`)
        .query(true)
        .reply(200, { items: [bs('mci1-a', 'f3')] });
      expect((await h.client.observe(['backendServices']))[0]?.body).to.deep.equal(bs('mci1-a', 'f3'));
    });

    it('shares one list between concurrent observers, and refresh lists again', async () => {
      const h = harness();
      nock(ROOT)
        .get(`${P}/global/urlMaps`)
        .query(true)
        .reply(200, { items: [{ name: 'mci1-u' }] });
      const [a, b] = await Promise.all([h.client.observe(['urlMaps']), h.client.observe(['urlMaps'])]);
      expect(a).to.deep.equal(b);
      expect(h.calls).to.have.length(1);
      nock(ROOT).get(`${P}/global/urlMaps`).query(true).reply(200, {});
      expect(await h.client.observe(['urlMaps'], { refresh: true })).to.deep.equal([]);
      expect(h.calls).to.have.length(2);
    });

    it('gets a resource outside our prefix once, then from the cache; get({fresh}) asks again', async () => {
      const h = harness();
      nock(ROOT)
        .get(`${P}/global/addresses/user-ip`)
        .times(2)
        .reply(200, { name: 'user-ip', address: '1.2.3.4' });
      const ip = await h.client.get('addresses', 'user-ip');
      expect(ip?.body).to.deep.include({ address: '1.2.3.4' });
      await h.client.get('addresses', 'user-ip');
      expect(h.calls).to.have.length(1);
      await h.client.get('addresses', 'user-ip', { fresh: true });
      expect(h.calls).to.have.length(2);
    });

    it('reads backend health with getHealth, as a read', async () => {
      const h = harness();
      const group = 'https://www.googleapis.com/compute/v1/projects/p/zones/z/networkEndpointGroups/neg';
      nock(ROOT)
        .post(`${P}/global/backendServices/mci1-bs/getHealth`, { group })
        .reply(200, { healthStatus: [{ healthState: 'HEALTHY' }] });
      const health = await h.client.getHealth('mci1-bs', group);
      expect(health.healthStatus?.[0]?.healthState).to.equal('HEALTHY');
      expect(h.spent).to.deep.equal(['read']);
    });
  });
});

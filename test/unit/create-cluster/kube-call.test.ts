import { ApiException } from '@kubernetes/client-node';
import { expect } from 'chai';
import { apiStatus } from '../../../src/kube/api-failure.ts';
import { KubeCallError, kubeCall, kubeRead, toKubeCallError } from '../../../src/kube/kube-call.ts';

const registry = { role: 'registry', server: 'https://127.0.0.1:6443' } as const;

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe('kube-call', () => {
  it('reads the Status of an ApiException, whatever the body looks like', () => {
    const body = JSON.stringify({
      kind: 'Status',
      code: 404,
      reason: 'NotFound',
      message: 'x not found',
      details: { name: 'x' },
    });
    expect(apiStatus(new ApiException(404, 'Unknown', body, {}))).to.deep.equal({
      code: 404,
      reason: 'NotFound',
      message: 'x not found',
      details: { name: 'x' },
    });
    expect(apiStatus(new ApiException(404, 'Unknown', '404 page not found\n', {}))).to.deep.equal({
      code: 404,
      message: '404 page not found',
    });
    expect(apiStatus(new ApiException(401, 'Unauthorized', undefined, {}))).to.deep.equal({ code: 401 });
    expect(apiStatus(new Error('plain'))).to.equal(undefined);
  });

  it('reports a server answer with the action and the server message', () => {
    const body = JSON.stringify({
      code: 403,
      message: 'secrets "a" is forbidden: User "u" cannot create resource "secrets"',
    });
    const err = toKubeCallError(registry, 'create secret ns/a', new ApiException(403, 'Unknown', body, {}));
    expect(err.message).to.equal(
      'registry: cannot create secret ns/a: secrets "a" is forbidden: User "u" cannot create resource "secrets"',
    );
    expect(err.status).to.equal(403);
    expect(
      toKubeCallError(registry, 'read x', new ApiException(401, 'Unauthorized', undefined, {})).message,
    ).to.equal('registry: cannot read x: Unauthorized: the server refused the credentials');
  });

  it('reports an unreachable server with the network or TLS reason', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    expect(toKubeCallError(registry, 'read x', fetchFailed(refused)).message).to.equal(
      'cannot reach the registry at https://127.0.0.1:6443: connect ECONNREFUSED 127.0.0.1:6443',
    );
    const both = new AggregateError([refused, new Error('other')]);
    expect(toKubeCallError(registry, 'read x', fetchFailed(both)).message).to.match(
      /ECONNREFUSED 127.0.0.1:6443$/,
    );
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(toKubeCallError(registry, 'read x', fetchFailed(tls)).message).to.equal(
      'cannot reach the registry at https://127.0.0.1:6443: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)',
    );
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    expect(toKubeCallError(registry, 'read x', timeout).status).to.equal(undefined);
    expect(toKubeCallError(registry, 'read x', timeout).message).to.match(/timed out$/);
  });

  it('turns a 404 into undefined on reads only', async () => {
    const notFound = () => Promise.reject(new ApiException(404, 'Unknown', '{"code":404}', {}));
    expect(await kubeRead(registry, 'read x', notFound)).to.equal(undefined);
    try {
      await kubeCall(registry, 'read x', notFound);
      expect.fail('kubeCall should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(KubeCallError);
      expect((err as KubeCallError).status).to.equal(404);
    }
  });
});

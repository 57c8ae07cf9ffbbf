import { expect } from 'chai';
import { createTokenSource, describeCredentials } from '../../../src/gce/credentials.ts';
import type { TokenFileSystem } from '../../../src/gce/credentials.ts';
import { UnauthenticatedError } from '../../../src/gce/errors.ts';

/** An in-memory file that counts stats and reads. */
class FakeFile implements TokenFileSystem {
  content: string | undefined = 'token-1\n';
  mtimeMs = 1;
  stats = 0;
  reads = 0;

  stat(): Promise<{ mtimeMs: number; size: number }> {
    this.stats++;
    if (this.content === undefined)
      return Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
    return Promise.resolve({ mtimeMs: this.mtimeMs, size: this.content.length });
  }

  readFile(): Promise<string> {
    this.reads++;
    return this.content === undefined ? Promise.reject(new Error('ENOENT')) : Promise.resolve(this.content);
  }
}

describe('createTokenSource', () => {
  it('reads a token file once, stats it per request, and re-reads it when it changes', async () => {
    const file = new FakeFile();
    const source = createTokenSource({ source: 'access-token-file', path: '/t' }, { fs: file });
    expect(await source.token()).to.equal('token-1');
    expect(await source.token()).to.equal('token-1');
    expect({ stats: file.stats, reads: file.reads }).to.deep.equal({ stats: 2, reads: 1 });
    file.content = 'token-2';
    file.mtimeMs = 2;
    expect(await source.token()).to.equal('token-2');
    expect(file.reads).to.equal(2);
  });

  it('fails with UnauthenticatedError when the token file is missing or empty', async () => {
    const file = new FakeFile();
    file.content = undefined;
    const source = createTokenSource({ source: 'access-token-file', path: '/t' }, { fs: file });
    const missing = await source.token().catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(UnauthenticatedError).and.have.property('cause');
    file.content = '  \n';
    const empty = await source.token().catch((e: unknown) => e);
    expect(empty).to.be.instanceOf(UnauthenticatedError);
    expect((empty as Error).message).to.match(/empty/);
  });

  it('gives a fixed token, no token, or the ADC token (resolved on first use only)', async () => {
    expect(await createTokenSource({ source: 'access-token', token: 'fixed' }).token()).to.equal('fixed');
    expect(await createTokenSource({ source: 'none' }).token()).to.equal(undefined);
    let built = 0;
    const adc = createTokenSource(
      { source: 'adc' },
      { googleAuth: () => (built++, { getAccessToken: () => Promise.resolve('adc-token') }) },
    );
    expect(built).to.equal(0);
    expect(await adc.token()).to.equal('adc-token');
    expect(await adc.token()).to.equal('adc-token');
    expect(built).to.equal(1);
    const noAdc = createTokenSource(
      { source: 'adc' },
      { googleAuth: () => ({ getAccessToken: () => Promise.resolve(null) }) },
    );
    expect(await noAdc.token().catch((e: unknown) => e)).to.be.instanceOf(UnauthenticatedError);
  });

  it('describes credentials without the secret', () => {
    expect(describeCredentials({ source: 'access-token', token: 's3cret' })).to.not.include('s3cret');
    expect(describeCredentials({ source: 'access-token-file', path: '/var/run/token' })).to.include(
      '/var/run/token',
    );
  });
});

import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log/logger.ts';
import { REDACTED, redact, redactText } from '../../../src/log/redact.ts';

const KEY =
  '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5dABCDEF\n-----END EC PRIVATE KEY-----';
const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlc2lnbmF0dXJl';

describe('redact', () => {
  it('removes private keys, bearer tokens, JWTs and Google tokens from text', () => {
    const text = `key ${KEY} auth Bearer abcdefghijklmnop jwt ${JWT} google ya29.a0AfH6SMBxyzxyzxyz`;
    const out = redactText(text);
    expect(out).not.to.include('MHcCAQEE');
    expect(out).not.to.include('abcdefghijklmnop');
    expect(out).not.to.include('eyJzdWIi');
    expect(out).not.to.include('a0AfH6SM');
    expect(out).to.include(`Bearer ${REDACTED}`);
  });

  it('replaces fields whose names are secret, deep inside objects, arrays and errors', () => {
    const err = new Error(`failed with ${JWT}`, { cause: { token: 'abc' } });
    const out = redact({
      secret: { data: { 'tls.key': 'k', 'tls.crt': 'cert' } },
      users: [{ user: { token: 't', 'client-key-data': 'x' } }],
      kubeconfig: 'apiVersion: v1',
      err,
    }) as Record<string, unknown>;
    const json = JSON.stringify(out);
    expect(json).to.include('"tls.crt":"cert"');
    expect(json).not.to.match(/"tls\.key":"k"|"token":"t"|client-key-data":"x"|apiVersion: v1|"token":"abc"/);
    expect(json).not.to.include('eyJzdWIi');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).to.deep.equal({ name: 'a', self: '[Circular]' });
  });

  it('is applied by the logger to every line', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ level: 'info', stream }).child({ ingress: 'ns/shop' });
    log.info('connected', { token: 'sekrit-token-value', message2: `key: ${KEY}` });
    expect(lines).to.have.length(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line.ingress).to.equal('ns/shop');
    expect(line.token).to.equal(REDACTED);
    expect(lines[0]).not.to.include('sekrit');
    expect(lines[0]).not.to.include('MHcCAQEE');
  });
});

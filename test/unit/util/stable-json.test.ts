import { expect } from 'chai';
import { stableStringify } from '../../../src/util/stable-json.ts';

describe('stableStringify', () => {
  it('orders keys so equal objects give equal strings', () => {
    expect(stableStringify({ b: 1, a: { d: [2, 1], c: null } })).to.equal('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(stableStringify({ a: 1, b: 2 })).to.equal(stableStringify({ b: 2, a: 1 }));
  });
  it('drops undefined members like JSON.stringify', () => {
    expect(stableStringify({ a: undefined, b: 1 })).to.equal('{"b":1}');
  });
  it('refuses cycles and non-JSON values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => stableStringify(cyclic)).to.throw(TypeError, /cyclic/);
    expect(() => stableStringify({ f: () => 1 })).to.throw(TypeError, /function/);
  });
});

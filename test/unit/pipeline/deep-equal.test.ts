import { expect } from 'chai';
import { deepEqual } from '../../../src/pipeline/deep-equal.ts';

describe('deepEqual', () => {
  it('compares API-object shapes structurally', () => {
    expect(deepEqual({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).to.equal(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).to.equal(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).to.equal(false);
    expect(deepEqual([], {})).to.equal(false);
    expect(deepEqual(null, {})).to.equal(false);
  });
  it('treats a key holding undefined as absent and compares Dates by time', () => {
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).to.equal(true);
    expect(deepEqual(new Date(5), new Date(5))).to.equal(true);
    expect(deepEqual({ t: new Date(5) }, { t: new Date(6) })).to.equal(false);
    expect(deepEqual(new Date(5), {})).to.equal(false);
  });
  it('compares class instances by their own fields', () => {
    class Meta {
      name = 'web';
    }
    expect(deepEqual(new Meta(), { name: 'web' })).to.equal(true);
  });
});

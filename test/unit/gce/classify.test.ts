import { expect } from 'chai';
import { classifyHttpError, classifyOperationError, kindOf } from '../../../src/gce/classify.ts';
import { InUseError, InvalidError, NotFoundError } from '../../../src/gce/errors.ts';

describe('error classification', () => {
  it('decides by reason first, then by status', () => {
    expect(kindOf(403, 'rateLimitExceeded', '')).to.equal('rateLimited');
    expect(kindOf(403, 'quotaExceeded', '')).to.equal('quotaExceeded');
    expect(kindOf(403, 'forbidden', '')).to.equal('permissionDenied');
    expect(kindOf(400, undefined, "The url_map resource 'x' is already being used by 'y'")).to.equal('inUse');
    expect(kindOf(400, 'badRequest', '')).to.equal('invalid');
    expect(kindOf(503, undefined, '')).to.equal('transient');
    expect(kindOf(408, undefined, '')).to.equal('transient');
  });

  it('classifies an operation error like the HTTP error it stands for', () => {
    const inUse = classifyOperationError(
      {
        name: 'op-1',
        httpErrorStatusCode: 400,
        error: { errors: [{ code: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE', message: 'used by y' }] },
      },
      'compute.urlMaps.delete',
    );
    expect(inUse).to.be.instanceOf(InUseError).and.include({
      reason: 'resourceInUseByAnotherResource',
      status: 400,
      operation: 'op-1',
      fromOperation: true,
    });
    const missing = classifyOperationError(
      {
        name: 'op-2',
        httpErrorStatusCode: 404,
        error: { errors: [{ code: 'RESOURCE_NOT_FOUND', message: 'gone' }] },
      },
      'compute.urlMaps.insert',
    );
    expect(missing).to.be.instanceOf(NotFoundError);
    expect(classifyOperationError({ name: 'op-3' }, 'compute.urlMaps.insert')).to.equal(undefined);
  });

  it('treats an error that is not from the HTTP library as a terminal bug, keeping it as cause', () => {
    const bug = new TypeError('Missing required parameters: project');
    const e = classifyHttpError(bug, 'compute.urlMaps.get');
    expect(e).to.be.instanceOf(InvalidError).and.include({ retryable: false, cause: bug });
  });
});

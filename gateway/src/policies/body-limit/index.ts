// Request body limit per API: a declared Content-Length over it is refused before anything is forwarded;
// a chunked body is counted as it streams and the upstream request is cut at the limit.
import { Transform, type TransformCallback } from 'node:stream';
import type { Call, Step } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';

const TOO_LARGE = (limit: number) => `the request body exceeds this API's limit of ${limit} bytes`;

export class BodyLimitExceeded extends Error {
  override name = 'BodyLimitExceeded';
}

/** Counts bytes through; errors with BodyLimitExceeded past the limit. */
export class LimitedBody extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(new BodyLimitExceeded(TOO_LARGE(this.limit)));
    else done(null, chunk);
  }
}

export function bodyLimit(): Step {
  return function bodyLimit(call: Call) {
    const declared = call.req.headers['content-length'];
    const limit = call.api!.maxBodyBytes;
    if (declared !== undefined && Number(declared) > limit) {
      throw new GatewayError('body_too_large', TOO_LARGE(limit), { headers: { connection: 'close' } });
    }
  };
}

export function tooLarge(limit: number): GatewayError {
  return new GatewayError('body_too_large', TOO_LARGE(limit), { headers: { connection: 'close' } });
}

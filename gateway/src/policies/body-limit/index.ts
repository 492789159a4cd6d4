// Request body limit per API (`maxBodyBytes`), both halves of it: a declared Content-Length over the limit is
// refused before anything else reads the body; a chunked body is counted as the serving policy streams it, and
// cut (413) at the limit.
import type { IncomingMessage } from 'node:http';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { RequestBody, RoutedCall } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { hasRequestBody } from '../../upstream/request.js';
import { definePolicy } from '../policy.js';

const TOO_LARGE = (limit: number) => `the request body exceeds this API's limit of ${limit} bytes`;

// The rest of the body is never read: the connection cannot carry another request.
const tooLarge = (limit: number) =>
  new GatewayError('body_too_large', TOO_LARGE(limit), { headers: { connection: 'close' } });

/** Counts bytes through; fails with body_too_large past the limit. */
class LimitedBody extends Transform {
  bytes = 0;
  failure: GatewayError | null = null;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes <= this.limit) {
      done(null, chunk);
      return;
    }
    this.failure = tooLarge(this.limit);
    done(this.failure);
  }
}

/** The body slot: the request is piped through the counter only when the serving policy reads it. */
class LimitedRequestBody implements RequestBody {
  #counter: LimitedBody | null = null;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
  ) {}

  get stream(): Readable {
    if (!this.#counter) {
      this.#counter = new LimitedBody(this.limit);
      this.req.pipe(this.#counter);
    }
    return this.#counter;
  }

  get bytes(): number {
    return this.#counter?.bytes ?? 0;
  }

  get failure(): GatewayError | null {
    return this.#counter?.failure ?? null;
  }
}

export const bodyLimit = definePolicy({
  name: 'body-limit',
  phase: 'limit',
  create: () => ({
    bind: (api) => {
      const limit = api.maxBodyBytes;
      return {
        request(call: RoutedCall) {
          const declared = call.req.headers['content-length'];
          if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
          if (hasRequestBody(call.req.headers)) call.body = new LimitedRequestBody(call.req, limit);
        },
      };
    },
  }),
});

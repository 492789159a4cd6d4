// Reads an AI call's JSON body into memory, within the API's body limit: a chat request is small and must be
// parsed and translated whole before anything goes to a provider.
import type { Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import { tooLarge } from '../policies/body-limit/index.js';

const NOT_JSON = 'the request body is not valid JSON';

export async function readJsonBody(call: Call): Promise<unknown> {
  const limit = call.api!.maxBodyBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of call.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      call.errorKind = 'body_too_large';
      throw tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  call.bytesIn = size;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GatewayError('bad_request', NOT_JSON);
  }
}

// Reads an AI call's JSON body into memory: a chat request is small and must be parsed and translated whole
// before anything goes to a provider. The body policy (policies/body-limit) cuts it at the API's limit.
import type { Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';

const NOT_JSON = 'the request body is not valid JSON';

export async function readJsonBody(call: Call): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of call.body?.stream ?? call.req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GatewayError('bad_request', NOT_JSON);
  }
}

// Reads an AI call's JSON body into memory: a chat request is small and must be parsed and translated whole
// before anything goes to a provider. The body policy (policies/body-limit) cuts it at the API's limit.
import type { Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';

const NOT_JSON = 'the request body is not valid JSON';

// Read once: the response cache reads the body before the endpoint does.
const parsedBodies = new WeakMap<Call, Promise<unknown>>();

export function readJsonBody(call: Call): Promise<unknown> {
  let parsed = parsedBodies.get(call);
  if (!parsed) {
    parsed = readOnce(call);
    parsedBodies.set(call, parsed);
  }
  return parsed;
}

async function readOnce(call: Call): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of call.body?.stream ?? call.req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GatewayError('bad_request', NOT_JSON);
  }
}

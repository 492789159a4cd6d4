// POST <ai api>/v1/messages (and /messages): Anthropic's Messages format, whole or streamed as its events,
// over any provider, so the official Anthropic SDK works against the gateway. Errors on this front door are
// Anthropic's shape, `{type: "error", error: {type, message}}`, beside the problem document's members.
import { GatewayError } from '../errors/gateway-error.js';
import type { FrontDoor } from './front-door.js';
import {
  chatOfMessages,
  type MessagesRequest,
  messageOfChat,
  messagesRequest,
} from './translate/messages-request.js';
import { anthropicErrorType, messagesStream } from './translate/messages-stream.js';

/** `/v1/messages` for an SDK whose base URL is the API's base path; `/messages` when the base path ends in /v1. */
export const MESSAGES_PATHS = new Set(['/v1/messages', '/messages']);

export const messagesDoor: FrontDoor<MessagesRequest> = {
  schema: messagesRequest,
  toChat: chatOfMessages,
  answer: (req, completion, usage) => messageOfChat(completion, usage, req.model),
  stream: (req) => messagesStream(req.model),
};

/** The problem document with Anthropic's members: `type` becomes "error", which is where the SDK looks. */
export function withAnthropicError(err: GatewayError): GatewayError {
  const error = { type: anthropicErrorType(err.status), message: err.message };
  return new GatewayError(err.code, err.message, {
    ...err.extra,
    fields: { ...err.extra.fields, type: 'error', error },
  });
}

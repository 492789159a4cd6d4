// POST <ai api>/responses: OpenAI's Responses API, whole or streamed as its typed events, over any provider.
import type { FrontDoor } from './front-door.js';
import {
  chatOfResponses,
  type ResponsesRequest,
  responseOfChat,
  responsesRequest,
} from './translate/responses-request.js';
import { responsesStream } from './translate/responses-stream.js';

export const responsesDoor: FrontDoor<ResponsesRequest> = {
  schema: responsesRequest,
  toChat: chatOfResponses,
  answer: (req, completion, usage) => responseOfChat(completion, usage, { req, model: req.model }),
  stream: (req) => responsesStream(req, req.model),
};

// The OpenAI chat-completions request as clients send it to the gateway: what is checked, what is passed on.
import { z } from 'zod';

// Unknown fields are kept (looseObject): an OpenAI-type provider gets them as sent, and the format grows often.
const part = z.looseObject({ type: z.string() });
export const chatMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(part), z.null()]).optional(),
});

export const chatRequest = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(chatMessage).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  user: z.string().nullish(),
  n: z.number().int().min(1).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequest>;
export type ChatMessage = z.infer<typeof chatMessage>;

/** Token usage as the gateway counts it, whatever the provider's names. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export function openAiUsage(u: Usage) {
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

/** The first problem of a parse as `field: message`, for a 400 a person can act on. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

// The mock model: how the reply and the token counts follow from the prompt. Pure, so the gateway's tests can predict them.

/** A content part or block as both providers send it; only `text` parts carry words. */
export interface ContentPart {
  type: string;
  text?: string | undefined;
}
export type Content = string | readonly ContentPart[] | null | undefined;
export interface ChatMessage {
  role: string;
  content?: Content;
}

/** Every reply starts with this, followed by the text of the last user message. */
export const REPLY_PREFIX = 'echo: ';

/** The text of a message's content: a string as is, or its `text` parts joined with "\n" (other parts ignored). */
export function contentText(content: Content): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/** Tokens are whitespace-separated words: the number of runs of non-whitespace characters (JS `\S+`). */
export function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** "echo: " + the text of the last message whose role is `user` ("echo: " alone when there is none). */
export function replyFor(messages: readonly ChatMessage[]): string {
  const lastUser = messages.findLast((message) => message.role === 'user');
  return REPLY_PREFIX + contentText(lastUser?.content);
}

/** Prompt tokens: the words of the system prompt (Anthropic's top-level `system`) plus those of every message. */
export function promptTokens(messages: readonly ChatMessage[], system?: Content): number {
  let total = countTokens(contentText(system));
  for (const message of messages) total += countTokens(contentText(message.content));
  return total;
}

/** The stream deltas of a text: each word with the whitespace that follows it, so they join back to the text. */
export function tokenDeltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

export interface Completion {
  /** The reply text: all deltas joined. */
  text: string;
  /** One per completion token. */
  deltas: string[];
  promptTokens: number;
  completionTokens: number;
  /** True when `maxTokens` cut the reply short. */
  truncated: boolean;
}

/** The whole answer to a prompt; `maxTokens` keeps only that many deltas of the reply. */
export function complete(
  messages: readonly ChatMessage[],
  options: { system?: Content; maxTokens?: number | null | undefined } = {},
): Completion {
  const all = tokenDeltas(replyFor(messages));
  const limit = options.maxTokens ?? Number.POSITIVE_INFINITY;
  const deltas = all.length > limit ? all.slice(0, limit) : all;
  return {
    text: deltas.join(''),
    deltas,
    promptTokens: promptTokens(messages, options.system),
    completionTokens: deltas.length,
    truncated: deltas.length < all.length,
  };
}

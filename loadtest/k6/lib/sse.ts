// Reads an OpenAI-style server-sent event body (chat completion chunks); pure, so vitest covers it too.

interface Chunk {
  choices?: { delta?: { content?: string } }[];
  usage?: { completion_tokens?: number } | null;
}

/** Counts completion tokens in an OpenAI SSE body: the usage chunk if sent, else content deltas. */
export function countTokens(body: string): { tokens: number; done: boolean } {
  let deltas = 0;
  let usageTokens: number | null = null;
  let done = false;
  for (const line of body.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as Chunk;
    if (chunk.choices?.[0]?.delta?.content) deltas++;
    if (typeof chunk.usage?.completion_tokens === 'number') usageTokens = chunk.usage.completion_tokens;
  }
  return { tokens: usageTokens ?? deltas, done };
}

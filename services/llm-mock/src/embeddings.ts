// OpenAI's embeddings format: a deterministic vector per input (from its characters) and its word count as
// the prompt tokens, so a test predicts the whole answer. `encoding_format: base64` (the openai client's
// default) sends the float32 bytes in base64, as OpenAI does.
import { z } from 'zod';
import { countTokens } from './model.js';

export const DIMENSIONS = 8;

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** Dimension i: the sum of the text's char codes times (i + 1), modulo 1000, over 1000. */
export function embed(text: string): number[] {
  let sum = 0;
  for (const ch of text) sum += ch.codePointAt(0)!;
  return Array.from({ length: DIMENSIONS }, (_, i) => ((sum * (i + 1)) % 1000) / 1000);
}

export function embeddings(request: EmbeddingsRequest) {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const tokens = inputs.reduce((n, text) => n + countTokens(text), 0);
  return {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = embed(text);
      return {
        object: 'embedding',
        index,
        embedding:
          request.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
            : vector,
      };
    }),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

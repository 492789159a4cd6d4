// An OpenAI client through the gateway's AI API, streaming: the README's example as a file the demo points at.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL, apiKey: process.env.GATEWAY_KEY });
const stream = await client.chat.completions.create({
  model: 'claude',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
process.stdout.write('\n');

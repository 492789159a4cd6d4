import { describe, expect, it } from 'vitest';
import { complete, contentText, countTokens, promptTokens, replyFor, tokenDeltas } from './model.js';

describe('the token rule', () => {
  it.each([
    ['', 0],
    ['   ', 0],
    ['one', 1],
    ['  two\twords\n', 2],
    ['a-b c,d  e.', 3],
  ])('countTokens(%j) = %i', (text, tokens) => {
    expect(countTokens(text)).toBe(tokens);
  });

  it('counts the system prompt and every message', () => {
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi there' },
      { role: 'assistant', content: 'echo: hi there' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'one two' }, { type: 'image_url' }, { type: 'text', text: 'three' }],
      },
    ];
    expect(promptTokens(messages)).toBe(2 + 2 + 3 + 3);
    expect(promptTokens(messages.slice(1), 'system words here')).toBe(3 + 2 + 3 + 3);
  });
});

describe('the reply rule', () => {
  it('echoes the last user message', () => {
    const messages = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ignored' },
      { role: 'user', content: 'second  one' },
      { role: 'assistant', content: 'prefill' },
    ];
    expect(replyFor(messages)).toBe('echo: second  one');
    expect(replyFor([{ role: 'system', content: 'x' }])).toBe('echo: ');
  });

  it('joins text parts with newlines', () => {
    expect(contentText([{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }])).toBe(
      'a\nb',
    );
    expect(contentText(null)).toBe('');
  });

  it('streams one delta per word, joining back to the reply', () => {
    expect(tokenDeltas('echo: hello  big\nworld')).toEqual(['echo: ', 'hello  ', 'big\n', 'world']);
  });

  it('completes, and cuts at maxTokens', () => {
    const messages = [{ role: 'user', content: 'one two three' }];
    expect(complete(messages)).toEqual({
      text: 'echo: one two three',
      deltas: ['echo: ', 'one ', 'two ', 'three'],
      promptTokens: 3,
      completionTokens: 4,
      truncated: false,
    });
    expect(complete(messages, { maxTokens: 2 })).toEqual({
      text: 'echo: one ',
      deltas: ['echo: ', 'one '],
      promptTokens: 3,
      completionTokens: 2,
      truncated: true,
    });
    expect(complete(messages, { maxTokens: 4 }).truncated).toBe(false);
  });
});

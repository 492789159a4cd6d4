import { describe, expect, it } from 'vitest';
import { checkVariables, describeProblems, renderTemplate, templateVariables } from './prompt-template.js';
import { promptSettings } from './settings.js';

const settings = promptSettings.parse({
  model: 'm',
  template: 'Translate {{ text }} into {{lang}} in {{n}} words, formal={{formal}}',
  variables: { text: { maxLength: 20 }, lang: {}, n: { type: 'integer' }, formal: { type: 'boolean' } },
});

describe('prompt templates', () => {
  it('finds the variables a template uses', () => {
    expect([...templateVariables('{{a}} {{ b }} {{a}} {{ not valid}} {c}')]).toEqual(['a', 'b']);
  });

  it('renders in one pass, so values are never expanded as placeholders', () => {
    expect(renderTemplate('Say {{ a }} and {{b}}', { a: '{{b}}', b: 2 })).toBe('Say {{b}} and 2');
  });

  it('accepts exactly the declared variables with their types', () => {
    expect(checkVariables(settings, { text: 'hi', lang: 'fr', n: 3, formal: true })).toBeNull();
  });

  it('names missing, unexpected and mistyped variables', () => {
    const problems = checkVariables(settings, {
      text: 'x'.repeat(21),
      n: 2.5,
      formal: 'yes',
      tone: 'dry',
      extra: 1,
    });
    expect(problems).toEqual({
      missing: ['lang'],
      unexpected: ['tone', 'extra'],
      invalid: [
        { name: 'text', message: 'must be at most 20 characters' },
        { name: 'n', message: 'must be an integer' },
        { name: 'formal', message: 'must be a boolean' },
      ],
    });
    expect(describeProblems(problems!)).toBe(
      'missing variables: lang; unexpected variables: tone, extra; text must be at most 20 characters; n must be an integer; formal must be a boolean',
    );
  });

  it('refuses settings whose template and variables disagree', () => {
    const r = promptSettings.safeParse({
      model: 'm',
      template: 'Hi {{name}} {{day}}',
      variables: { name: {}, unused: {} },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['template', 'uses undeclared variables: day'],
      ['variables', 'declares variables the template does not use: unused'],
    ]);
  });
});

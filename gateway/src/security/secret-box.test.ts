import { describe, expect, it } from 'vitest';
import { keyHint, SecretBox, SecretBoxError } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox('a-secret-of-some-length');

  it('opens what it sealed, and the sealed text does not contain the key', () => {
    const sealed = box.seal('sk-live-123456', 'pk_1');
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain('sk-live');
    expect(box.open(sealed, 'pk_1')).toBe('sk-live-123456');
  });

  it('seals the same key differently every time (random IV)', () => {
    expect(box.seal('k', 'pk_1')).not.toBe(box.seal('k', 'pk_1'));
  });

  it('refuses another row, another secret and an altered value', () => {
    const sealed = box.seal('sk-live-123456', 'pk_1');
    expect(() => box.open(sealed, 'pk_2')).toThrow(SecretBoxError);
    expect(() => new SecretBox('another-secret-entirely').open(sealed, 'pk_1')).toThrow(SecretBoxError);
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = `${body![0] === 'A' ? 'B' : 'A'}${body!.slice(1)}`;
    expect(() => box.open([v, iv, flipped, tag].join('.'), 'pk_1')).toThrow(SecretBoxError);
    expect(() => box.open('plain-text', 'pk_1')).toThrow('not a sealed value');
  });

  it('hints with the last four characters only', () => {
    expect(keyHint('sk-live-abcdWXYZ')).toBe('…WXYZ');
  });
});

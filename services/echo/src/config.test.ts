import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to 0.0.0.0:9000 and ignores other variables', () => {
    expect(loadConfig({ PATH: '/bin', PORT: '' })).toEqual({ port: 9000, host: '0.0.0.0' });
  });

  it('reads PORT and HOST', () => {
    expect(loadConfig({ PORT: '0', HOST: '127.0.0.1' })).toEqual({ port: 0, host: '127.0.0.1' });
  });

  it.each([
    ['abc', 'invalid environment: PORT: must be a whole number'],
    ['70000', 'invalid environment: PORT: Too big: expected number to be <=65535'],
  ])('names the variable for PORT=%s', (port, message) => {
    expect(() => loadConfig({ PORT: port })).toThrow(message);
  });
});

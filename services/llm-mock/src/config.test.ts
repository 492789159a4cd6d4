import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { DEFAULT_KNOBS } from './knobs.js';

describe('loadConfig', () => {
  it('defaults to 0.0.0.0:9100, no keys, quiet knobs', () => {
    expect(loadConfig({ PATH: '/bin', MOCK_API_KEYS: '' })).toEqual({
      port: 9100,
      host: '0.0.0.0',
      apiKeys: [],
      defaults: DEFAULT_KNOBS,
    });
  });

  it('reads keys and knob defaults', () => {
    const config = loadConfig({
      PORT: '0',
      MOCK_API_KEYS: ' a, b ,,c',
      MOCK_LATENCY_MS: '15',
      MOCK_ERROR_RATE: '0.25',
      MOCK_STATUS: '503',
    });
    expect(config.apiKeys).toEqual(['a', 'b', 'c']);
    expect(config.defaults).toEqual({ ...DEFAULT_KNOBS, latencyMs: 15, errorRate: 0.25, status: 503 });
  });

  it.each([
    [{ PORT: 'x' }, 'invalid environment: PORT: must be a whole number'],
    [{ MOCK_ERROR_RATE: '2' }, 'invalid environment: MOCK_ERROR_RATE: Too big: expected number to be <=1'],
    [{ MOCK_STATUS: '200' }, 'invalid environment: MOCK_STATUS: Too small: expected number to be >=400'],
  ])('names the bad variable (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

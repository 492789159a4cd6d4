import { describe, expect, it } from 'vitest';
import { renderProfile, summarizeProfile } from './cpu-profile.js';

describe('summarizeProfile', () => {
  it('ranks self time by function and by file, leaving idle and program time out', () => {
    const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(idle)', '') },
        { id: 2, callFrame: frame('consume', 'file:///w/gateway/src/limits/limits.ts', 9) },
        { id: 3, callFrame: frame('request', 'file:///w/node_modules/undici/lib/api/api-request.js', 99) },
        { id: 4, callFrame: frame('', 'file:///w/gateway/src/limits/limits.ts', 19) },
      ],
      samples: [1, 2, 2, 3, 4, 1],
      timeDeltas: [5000, 1000, 1000, 1500, 500, 5000],
    };
    const s = summarizeProfile('p.cpuprofile', profile, 10);
    expect(s.totalMs).toBe(4);
    expect(s.functions).toEqual([
      { name: 'consume gateway/src/limits/limits.ts:10', selfMs: 2, percent: 50 },
      { name: 'request undici/lib/api/api-request.js:100', selfMs: 1.5, percent: 37.5 },
      { name: '(anonymous) gateway/src/limits/limits.ts:20', selfMs: 0.5, percent: 12.5 },
    ]);
    expect(s.files.map((f) => [f.name, f.percent])).toEqual([
      ['gateway/src/limits/limits.ts', 62.5],
      ['undici/lib/api/api-request.js', 37.5],
    ]);
    expect(renderProfile(s)).toContain(' 50.0 %       2.0 ms  consume gateway/src/limits/limits.ts:10');
  });
});

import { describe, expect, test } from 'vitest';
import { subnetCidrs } from './network.js';

describe('subnetCidrs', () => {
  test('a /16 gives /20 subnets, public first', () => {
    expect(subnetCidrs('10.0.0.0/16', 2)).toEqual({
      public: ['10.0.0.0/20', '10.0.16.0/20'],
      private: ['10.0.32.0/20', '10.0.48.0/20'],
    });
  });

  test('a /20 gives /24 subnets; a base address inside the block is aligned down', () => {
    expect(subnetCidrs('172.16.5.9/20', 3)).toEqual({
      public: ['172.16.0.0/24', '172.16.1.0/24', '172.16.2.0/24'],
      private: ['172.16.3.0/24', '172.16.4.0/24', '172.16.5.0/24'],
    });
  });

  test('too many subnets or an odd prefix is refused', () => {
    expect(() => subnetCidrs('10.0.0.0/16', 9)).toThrow('subnetCidrs: 18 subnets do not fit in 16 slots');
    expect(() => subnetCidrs('10.0.0.0/8', 2)).toThrow('subnetCidrs: 10.0.0.0/8 is not a /16-/24 CIDR');
  });
});

import { expect, it } from 'vitest';
import { actionPaths, apiPaths, subscriptionPaths } from './lifecycle.js';

it('walks an API to any status the admin API can reach, by the shortest action sequence', () => {
  expect(apiPaths).toEqual({
    draft: { published: ['publish'], deprecated: ['publish', 'deprecate'], retired: ['retire'] },
    published: { deprecated: ['deprecate'], retired: ['retire'] },
    deprecated: { published: ['publish'], retired: ['retire'] },
    retired: {},
  });
});

it('never walks a subscription through reject or revoke: they end it', () => {
  expect(subscriptionPaths).toEqual({
    pending: { approved: ['approve'], suspended: ['approve', 'suspend'] },
    approved: { suspended: ['suspend'] },
    suspended: { approved: ['resume'] },
  });
});

it('follows transitions in several steps and stays within the given statuses', () => {
  const transitions = {
    a: { from: ['one'], to: 'two' },
    b: { from: ['two'], to: 'three' },
    c: { from: ['three'], to: 'four' },
  };
  expect(actionPaths(transitions, ['one', 'two', 'three'])).toEqual({
    one: { two: ['a'], three: ['a', 'b'] },
    two: { three: ['b'] },
    three: {},
  });
});

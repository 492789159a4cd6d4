// The fair gate on its own: turns between consumers at a full cap, a wait ended by its timeout or by abort.
import { describe, expect, it } from 'vitest';
import { FairGate, GateTimeout } from './fair-gate.js';

const never = new AbortController().signal;

describe('FairGate', () => {
  it('hands freed slots to waiting consumers in turn, first come first served within one', async () => {
    const gate = new FairGate(1);
    const first = await gate.acquire('a', 10_000, never);
    const order: string[] = [];
    const wait = (consumer: string, label: string) =>
      gate.acquire(consumer, 10_000, never).then((release) => {
        order.push(label);
        release();
      });
    const all = [wait('a', 'a1'), wait('a', 'a2'), wait('a', 'a3'), wait('b', 'b1'), wait('c', 'c1')];
    expect([gate.active, gate.waiting]).toEqual([1, 5]);
    first();
    await Promise.all(all);
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'a3']);
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });

  it('gives up a wait at its timeout and on abort, leaving the queue clean', async () => {
    const gate = new FairGate(1);
    const held = await gate.acquire('a', 10_000, never);
    await expect(gate.acquire('b', 5, never)).rejects.toBeInstanceOf(GateTimeout);
    const controller = new AbortController();
    const aborted = gate.acquire('c', 10_000, controller.signal);
    controller.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    expect([gate.active, gate.waiting]).toEqual([1, 0]);
    held();
    held(); // a second release is a no-op
    expect(gate.active).toBe(0);
  });
});

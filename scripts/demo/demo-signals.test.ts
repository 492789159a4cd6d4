// npm does not pass SIGHUP on: the demo notices its parent is gone and stops everything all the same.
import { afterEach, expect, it } from 'vitest';
import { killDemo, openPortsAfter, type RunningDemo, signalNpm, startDemo } from './testing.js';

let demo: RunningDemo | undefined;
afterEach(() => killDemo(demo));

it('closes every port within 5 s of SIGHUP to the npm process', async () => {
  demo = await startDemo();
  const exit = await signalNpm(demo, 'SIGHUP', 5000);
  expect(exit).toEqual([null, 'SIGHUP']);
  expect(await openPortsAfter(demo.ports, 5000)).toEqual([]);
}, 120_000);

it('stops on SIGTERM to the npm process with exit code 0', async () => {
  demo = await startDemo();
  expect(await signalNpm(demo, 'SIGTERM', 5000)).toEqual([0, null]);
  expect(await openPortsAfter(demo.ports, 0)).toEqual([]);
}, 120_000);

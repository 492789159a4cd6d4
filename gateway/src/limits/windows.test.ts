import { expect, it } from 'vitest';
import { dayWindow, monthWindow } from './windows.js';

it('day windows end at midnight UTC', () => {
  const now = Date.UTC(2026, 10, 26, 23, 59, 30);
  expect(dayWindow(now)).toEqual({ id: '2026-11-26', secondsLeft: 30 });
  expect(dayWindow(Date.UTC(2026, 10, 27, 0, 0, 0))).toEqual({ id: '2026-11-27', secondsLeft: 86400 });
});

it('month windows end on the first of the next month, across years', () => {
  expect(monthWindow(Date.UTC(2026, 11, 31, 23, 0, 0))).toEqual({ id: '2026-12', secondsLeft: 3600 });
  expect(monthWindow(Date.UTC(2027, 1, 1, 0, 0, 0)).id).toBe('2027-02');
});

// Lets the response cache see the JSON answer an endpoint sends (sendJson), without every endpoint knowing.
import type { Call } from '../../data-plane/call.js';

const taps = new WeakMap<Call, (status: number, text: string) => void>();

export function onAnswer(call: Call, tap: (status: number, text: string) => void): void {
  taps.set(call, tap);
}

export function tapAnswer(call: Call, status: number, text: string): void {
  taps.get(call)?.(status, text);
}

// Logs a recurring fault once per interval (with how many times it happened since), not once per call.
import type { Logger } from './logger.js';

export function throttledWarn(logger: Logger, message: string, intervalMs = 10_000) {
  let last = 0;
  let suppressed = 0;
  return (err: Error): void => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    logger.warn({ err: err.message, suppressed }, message);
    last = now;
    suppressed = 0;
  };
}

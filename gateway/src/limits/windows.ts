// Calendar windows for quotas, always in UTC: a day quota resets at 00:00 UTC, a month quota on the 1st.

export interface Window {
  /** Identifies the window in a counter key, e.g. `2026-11-26` or `2026-11`. */
  id: string;
  /** Seconds from `now` until the window ends (at least 1). */
  secondsLeft: number;
}

export function dayWindow(now: number): Window {
  const d = new Date(now);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return { id: d.toISOString().slice(0, 10), secondsLeft: Math.max(1, Math.ceil((end - now) / 1000)) };
}

export function monthWindow(now: number): Window {
  const d = new Date(now);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { id: d.toISOString().slice(0, 7), secondsLeft: Math.max(1, Math.ceil((end - now) / 1000)) };
}

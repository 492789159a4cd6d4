// The benchmark's one error type: a stable code and a one-line message the CLI prints as is.
export const BenchErrorCode = {
  badArgs: 'BAD_ARGS',
  toolMissing: 'TOOL_MISSING',
  startFailed: 'START_FAILED',
  seedFailed: 'SEED_FAILED',
  loadFailed: 'LOAD_FAILED',
} as const;
export type BenchErrorCode = (typeof BenchErrorCode)[keyof typeof BenchErrorCode];

export class BenchError extends Error {
  constructor(
    readonly code: BenchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BenchError';
  }
}

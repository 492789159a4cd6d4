// The CLI's one error type: a message for the terminal and the exit code it ends with.
export const exitCodes = {
  ok: 0,
  /** The gateway refused a call, or could not be reached. */
  failed: 1,
  /** Bad usage or a bad file: nothing was sent. */
  usage: 2,
  /** `diff --exit-code` found changes (as `git diff --exit-code`). */
  changes: 3,
  /** `apply` stopped part-way; what was applied is listed. */
  partial: 4,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failed,
  ) {
    super(message);
  }
}

/** A problem+json answer from the admin API, kept whole so callers can read its code and field errors. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: {
      code?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    },
    readonly call: string,
  ) {
    const fields = (problem.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join('');
    super(`${call} → ${status} ${problem.code ?? ''}: ${problem.detail ?? ''}${fields}`.trim());
  }
}

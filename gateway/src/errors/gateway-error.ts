// The one error type: policies and admin handlers throw it, errors/problem.ts renders it.
import { type ErrorCode, errorCatalogue } from './catalogue.js';

export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    /** Extra members of the problem document (e.g. `errors` for validation) and response headers. */
    readonly extra: { fields?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? errorCatalogue[code].title);
    this.status = errorCatalogue[code].status;
    this.title = errorCatalogue[code].title;
  }
}

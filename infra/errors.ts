// The one error type of the Pulumi program: a named, coded failure that Pulumi prints as one line.
import * as pulumi from '@pulumi/pulumi';

export const InfraErrorCode = {
  /** A stack config value is missing, unknown or malformed. */
  configInvalid: 'CONFIG_INVALID',
  /** An image reference is not pinned by digest (and mutable tags are not allowed). */
  imageRefInvalid: 'IMAGE_REF_INVALID',
  /** No digest for an image that is deployed (neither in config nor in the lock file). */
  imageMissing: 'IMAGE_MISSING',
  /** images.manifest.json or images.lock.json cannot be read or has the wrong shape. */
  fileInvalid: 'FILE_INVALID',
} as const;
export type InfraErrorCode = (typeof InfraErrorCode)[keyof typeof InfraErrorCode];

/**
 * Extends `pulumi.RunError` so the CLI prints the message alone, without a stack trace:
 * the message is the whole diagnosis (`<key>: <what was wrong>`).
 */
export class InfraError extends pulumi.RunError {
  readonly code: InfraErrorCode;
  /** The config key (`gateway-kit:images.gateway`) or file the error is about. */
  readonly key: string;

  constructor(code: InfraErrorCode, key: string, problem: string) {
    super(`${key}: ${problem}`);
    this.name = 'InfraError';
    this.code = code;
    this.key = key;
  }
}

// The one error type of the image pipeline: a stable code and a message that names what was wrong.

export const ImagesErrorCode = {
  usage: 'USAGE',
  manifestInvalid: 'MANIFEST_INVALID',
  lockInvalid: 'LOCK_INVALID',
  dockerfileInvalid: 'DOCKERFILE_INVALID',
  engineMissing: 'ENGINE_MISSING',
  buildFailed: 'BUILD_FAILED',
  pushFailed: 'PUSH_FAILED',
  registryUnreachable: 'REGISTRY_UNREACHABLE',
  verifyFailed: 'VERIFY_FAILED',
} as const;
export type ImagesErrorCode = (typeof ImagesErrorCode)[keyof typeof ImagesErrorCode];

export class ImagesError extends Error {
  readonly code: ImagesErrorCode;

  constructor(code: ImagesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImagesError';
    this.code = code;
  }
}

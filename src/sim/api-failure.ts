/**
 * An error response the simulator decided to send, in the API's own vocabulary.
 */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface ApiFailure {
  readonly status: number;
  readonly type: ApiErrorType;
  readonly message: string;
  readonly errorCode?: string;
  /** Seconds; only rate-limit rejections carry it (never the spend cap). */
  readonly retryAfterSeconds?: number;
}

export function failure(status: number, type: ApiErrorType, message: string, extra: Partial<ApiFailure> = {}): ApiFailure {
  return { status, type, message, ...extra };
}

export function errorBody(f: ApiFailure, requestId: string): string {
  return JSON.stringify({
    type: 'error',
    error: { type: f.type, message: f.message, ...(f.errorCode ? { details: { error_code: f.errorCode } } : {}) },
    request_id: requestId,
  });
}

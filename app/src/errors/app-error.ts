/**
 * Errors are values with stable codes. Each layer throws an AppError; the HTTP layer maps the code
 * to a status and a body in one place (http/middleware/error-handler.ts).
 *
 * The codes and texts follow djangorestframework-simplejwt and Django REST framework, so clients
 * written for that API see the same bodies.
 */
export type ErrorCode =
  | 'token_not_valid'
  | 'no_active_account'
  | 'not_authenticated'
  | 'bad_authorization_header'
  | 'user_not_found'
  | 'user_inactive'
  | 'invalid'
  | 'parse_error'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'throttled'
  | 'service_unavailable'
  | 'internal';

/** One entry per token class tried, as simplejwt reports them on protected routes. */
export interface TokenClassMessage {
  token_class: string;
  token_type: string;
  message: string;
}

export interface AppErrorDetails {
  /** Field name → messages, for `invalid` (DRF's serializer errors). */
  fields?: Record<string, string[]>;
  /** Per-token-class failures, for `token_not_valid` on protected routes. */
  messages?: TokenClassMessage[];
  /** Allowed methods, for `method_not_allowed`. */
  allow?: string[];
  /** Seconds until a request may succeed, for `throttled` (the Retry-After header). */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: AppErrorDetails;

  constructor(code: ErrorCode, message: string, details: AppErrorDetails = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

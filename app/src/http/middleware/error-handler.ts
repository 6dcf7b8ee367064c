/**
 * The one place where errors become HTTP responses. Bodies follow simplejwt and DRF: token and
 * user errors carry `code`; login failures and DRF's own errors are `{"detail"}` only; field
 * errors are `{"field": ["message"]}`. Nothing internal (stack, query, key) reaches a response.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { AppError, type ErrorCode } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';
import type { Logger } from '../../logging/logger.ts';
import { StoreUnavailableError } from '../../store/store.ts';
import { wwwAuthenticate } from '../../tokens/access-authentication.ts';

interface Mapping {
  status: number;
  /** simplejwt's DetailDictMixin errors put their code in the body; DRF's own do not. */
  withCode: boolean;
}

const mappings: Record<ErrorCode, Mapping> = {
  token_not_valid: { status: 401, withCode: true },
  bad_authorization_header: { status: 401, withCode: true },
  user_not_found: { status: 401, withCode: true },
  user_inactive: { status: 401, withCode: true },
  no_active_account: { status: 401, withCode: false },
  not_authenticated: { status: 401, withCode: false },
  invalid: { status: 400, withCode: false },
  parse_error: { status: 400, withCode: false },
  payload_too_large: { status: 413, withCode: false },
  unsupported_media_type: { status: 415, withCode: false },
  not_found: { status: 404, withCode: false },
  method_not_allowed: { status: 405, withCode: false },
  not_acceptable: { status: 406, withCode: false },
  throttled: { status: 429, withCode: false },
  service_unavailable: { status: 503, withCode: false },
  internal: { status: 500, withCode: false },
};

/**
 * Errors thrown by Express's body parsers carry a `type` and a 4xx `status`; they become ours
 * here. One without a type (a body whose Content-Encoding does not decode) is still the client's
 * fault: a 400, never a 500.
 */
function fromBodyParser(error: {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('parse_error', messages.jsonParseError(String(error.message)));
    case 'entity.too.large':
      return new AppError('payload_too_large', messages.requestTooLarge);
    case 'parameters.too.many':
      return new AppError('parse_error', messages.tooManyFields);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('unsupported_media_type', String(error.message));
    default:
      return typeof error.status === 'number' && error.status >= 400 && error.status < 500
        ? new AppError('parse_error', messages.malformedRequest(`${String(error.message)}.`))
        : undefined;
  }
}

export function sendError(res: Response, error: AppError): void {
  const { status, withCode } = mappings[error.code];
  if (status === 401) res.set('WWW-Authenticate', wwwAuthenticate);
  if (error.details.allow) res.set('Allow', error.details.allow.join(', '));
  if (error.details.retryAfterSeconds !== undefined) {
    res.set('Retry-After', String(error.details.retryAfterSeconds));
  }
  if (error.details.fields) {
    res.status(status).json(error.details.fields);
    return;
  }
  res.status(status).json({
    detail: error.message,
    ...(withCode ? { code: error.code } : {}),
    ...(error.details.messages ? { messages: error.details.messages } : {}),
  });
}

const unavailable = new AppError('service_unavailable', messages.serviceUnavailable, {
  retryAfterSeconds: 5,
});

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known =
      error instanceof AppError
        ? error
        : typeof error === 'object' && error !== null
          ? fromBodyParser(error)
          : undefined;
    if (known) {
      sendError(res, known);
      return;
    }
    if (error instanceof StoreUnavailableError) {
      // One line, no stack: the database being away is an operations matter, and it may be
      // away for thousands of requests.
      logger.error('database unavailable', { path: req.path, error: error.message });
      sendError(res, unavailable);
      return;
    }
    logger.error('request failed', {
      method: req.method,
      path: req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    sendError(res, new AppError('internal', messages.serverError));
  };
}

/** Answers for paths nothing serves and methods a path does not take, as JSON like the rest. */
import type { RequestHandler } from 'express';
import { AppError } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new AppError('not_found', messages.notFound));
};

export const methodNotAllowed =
  (allow: string[]): RequestHandler =>
  (req, _res, next) => {
    next(new AppError('method_not_allowed', messages.methodNotAllowed(req.method), { allow }));
  };

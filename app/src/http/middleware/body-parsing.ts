/**
 * Body parsing for the POST endpoints: JSON and HTML-form bodies, as DRF's default parsers accept,
 * under a small size limit. Other media types get 415; an empty body reads as `{}`.
 */
import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';

const jsonTypes = ['application/json', 'application/*+json'];
const formType = 'application/x-www-form-urlencoded';

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

export function parseBody(limitBytes: number): RequestHandler[] {
  const refuseOtherTypes: RequestHandler = (req, _res, next) => {
    const type = req.headers['content-type'];
    if (hasBody(req.headers) && !req.is([...jsonTypes, formType])) {
      next(new AppError('unsupported_media_type', messages.unsupportedMediaType(type ?? '')));
      return;
    }
    next();
  };
  const emptyAsObject: RequestHandler = (req, _res, next) => {
    req.body ??= {};
    next();
  };
  return [
    refuseOtherTypes,
    // strict: false lets any JSON value through, so a non-object body gets DRF's own message.
    express.json({ limit: limitBytes, type: jsonTypes, strict: false }),
    express.urlencoded({ limit: limitBytes, extended: false }),
    emptyAsObject,
  ];
}

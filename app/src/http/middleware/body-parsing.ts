/**
 * Body parsing for the POST endpoints: JSON, HTML-form and multipart bodies, DRF's default
 * parsers, under a small size limit. Other media types get 415; an empty body reads as `{}`.
 */
import express, { type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';
import { parseMultipart } from './multipart-body.ts';

// DRF's JSONParser takes application/json alone: application/vnd.api+json and the like get 415.
const jsonTypes = ['application/json'];
const formType = 'application/x-www-form-urlencoded';
const multipartType = 'multipart/form-data';
/** Django's DATA_UPLOAD_MAX_NUMBER_FIELDS, which Express's form parser shares. */
const maxFields = 1000;

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

export function parseBody(limitBytes: number): RequestHandler[] {
  const refuseOtherTypes: RequestHandler = (req, _res, next) => {
    const type = req.headers['content-type'];
    if (hasBody(req.headers) && !req.is([...jsonTypes, formType, multipartType])) {
      next(new AppError('unsupported_media_type', messages.unsupportedMediaType(type ?? '')));
      return;
    }
    next();
  };
  /** A repeated form field reads as its last value, as Django's QueryDict gives it. */
  const lastOfRepeated: RequestHandler = (req, _res, next) => {
    if (req.is(formType) && typeof req.body === 'object' && req.body !== null) {
      for (const [name, value] of Object.entries(req.body as Record<string, unknown>)) {
        if (Array.isArray(value)) (req.body as Record<string, unknown>)[name] = value.at(-1);
      }
    }
    next();
  };
  // A JSON null stays null: DRF answers it with "No data provided".
  const emptyAsObject: RequestHandler = (req, _res, next) => {
    if (req.body === undefined) req.body = {};
    next();
  };
  return [
    refuseOtherTypes,
    // strict: false lets any JSON value through, so a non-object body gets DRF's own message.
    express.json({ limit: limitBytes, type: jsonTypes, strict: false }),
    express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: maxFields }),
    lastOfRepeated,
    parseMultipart(limitBytes, maxFields),
    emptyAsObject,
  ];
}

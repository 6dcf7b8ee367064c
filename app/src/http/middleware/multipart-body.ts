/**
 * multipart/form-data bodies, which DRF's default parsers accept on every view: the fields read
 * like an HTML form's (the last of a repeated name wins, as Django's QueryDict gives it); file
 * parts are read past, as a token endpoint has no use for them. The size and field limits are the
 * other parsers'.
 */
import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { AppError } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';

export function parseMultipart(limitBytes: number, maxFields: number): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart/form-data')) {
      next();
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > limitBytes) {
      next(new AppError('payload_too_large', messages.requestTooLarge));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fieldSize: limitBytes, fields: maxFields, files: 0 },
      });
    } catch (error) {
      next(new AppError('parse_error', messages.multipartParseError((error as Error).message)));
      return;
    }
    const fields: Record<string, string> = {};
    let received = 0;
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume();
      next(error);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) fail(new AppError('payload_too_large', messages.requestTooLarge));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream) => {
      stream.resume();
    });
    parser.on('fieldsLimit', () => {
      fail(new AppError('parse_error', messages.tooManyFields));
    });
    parser.on('error', (error: Error) => {
      fail(new AppError('parse_error', messages.multipartParseError(error.message)));
    });
    parser.on('close', () => {
      if (failed) return;
      req.body = fields;
      next();
    });
    req.pipe(parser);
  };
}

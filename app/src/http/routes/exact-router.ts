/**
 * A router whose paths match as Django's do: case-sensitively, so `/HELLO/` is a 404 like any
 * unknown path, and strictly, so `/hello` is not `/hello/` (it is redirected there, as Django's
 * APPEND_SLASH does: middleware/append-slash.ts). Express matches case-insensitively by default,
 * which let `/API/TOKEN/` reach the login while nginx's limits, written for `/api/token/`, did
 * not apply to it.
 */
import { Router } from 'express';

export const exactRouter = (): Router => Router({ caseSensitive: true, strict: true });

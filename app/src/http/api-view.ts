/**
 * A view as Django REST framework's APIView frames it, so that clients see its answers: the
 * Accept header is negotiated first (406 when it refuses JSON), then authentication and
 * permissions run (an unauthenticated request to a protected view is a 401 whatever its method),
 * then the method: OPTIONS answers the view's metadata, a method the view lacks is a 405. Every
 * answer carries `Allow`.
 */
import type { RequestHandler, Router } from 'express';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import { methodNotAllowed } from './middleware/fallbacks.ts';

/** What DRF's SimpleMetadata says of a serializer field. */
export interface FieldInfo {
  type: 'string';
  required: boolean;
  read_only: boolean;
  label: string;
}

export interface ApiView {
  path: string;
  /** DRF's view name and description (the class name and docstring in Django). */
  name: string;
  description: string;
  /** The POST serializer's fields, which OPTIONS describes as DRF does. */
  postFields?: Record<string, FieldInfo>;
  /** Run for every method, before the method is looked at: authentication, permissions. */
  before?: RequestHandler[];
  get?: RequestHandler[];
  post?: RequestHandler[];
}

const renders = ['application/json'];
const parses = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** A string field as DRF describes it: `label` is the name, capitalized. */
export function stringField(name: string, options: { readOnly?: boolean } = {}): FieldInfo {
  const readOnly = options.readOnly ?? false;
  return {
    type: 'string',
    required: !readOnly,
    read_only: readOnly,
    label: name.charAt(0).toUpperCase() + name.slice(1),
  };
}

/**
 * DRF's content negotiation for a view that renders only JSON: some entry of Accept (no header
 * means any) must be application/json or a wildcard for it, whatever its parameters, q included.
 */
function acceptsJson(header: string | undefined): boolean {
  if (header === undefined) return true;
  return header.split(',').some((entry) => {
    const [type = ''] = entry.split(';');
    const [main = '', sub = ''] = type.trim().toLowerCase().split('/');
    return (main === '*' || main === 'application') && (sub === '*' || sub === 'json');
  });
}

/** In DRF's order of http_method_names; HEAD comes with GET. */
function allowedMethods(view: ApiView): string[] {
  return [
    ...(view.get ? ['GET'] : []),
    ...(view.post ? ['POST'] : []),
    ...(view.get ? ['HEAD'] : []),
    'OPTIONS',
  ];
}

export function addApiView(router: Router, view: ApiView): void {
  const allow = allowedMethods(view);
  const allowHeader = allow.join(', ');
  const metadata = {
    name: view.name,
    description: view.description,
    renders,
    parses,
    ...(view.postFields ? { actions: { POST: view.postFields } } : {}),
  };
  const negotiate: RequestHandler = (req, res, next) => {
    res.set('Allow', allowHeader);
    if (!acceptsJson(req.headers.accept))
      throw new AppError('not_acceptable', messages.notAcceptable);
    next();
  };
  const route = router.route(view.path).all(negotiate, ...(view.before ?? []));
  if (view.get) route.get(...view.get);
  if (view.post) route.post(...view.post);
  route
    .options((_req, res) => {
      res.json(metadata);
    })
    .all(methodNotAllowed(allow));
}

/**
 * The user-facing texts, word for word as simplejwt and Django REST framework write them.
 * Source: rest_framework_simplejwt/{tokens,backends,authentication,serializers}.py and
 * rest_framework/{exceptions,fields}.py.
 */
export const messages = {
  noActiveAccount: 'No active account found with the given credentials',
  noActiveAccountForToken: 'No active account found for the given token.',
  notAuthenticated: 'Authentication credentials were not provided.',
  badAuthorizationHeader: 'Authorization header must contain two space-delimited values',
  givenTokenNotValid: 'Given token not valid for any token type',
  noUserIdentification: 'Token contained no recognizable user identification',
  userNotFound: 'User not found',
  userInactive: 'User is inactive',
  tokenInvalid: 'Token is invalid',
  tokenExpired: 'Token is expired',
  tokenBlacklisted: 'Token is blacklisted',
  tokenHasNoId: 'Token has no id',
  tokenHasNoType: 'Token has no type',
  tokenHasWrongType: 'Token has wrong type',
  tokenHasNoExp: "Token has no 'exp' claim",
  fieldRequired: 'This field is required.',
  fieldNotNull: 'This field may not be null.',
  fieldNotBlank: 'This field may not be blank.',
  fieldNotString: 'Not a valid string.',
  fieldNullCharacters: 'Null characters are not allowed.',
  fieldSurrogateCharacter: (codePoint: number) =>
    `Surrogate characters are not allowed: U+${codePoint.toString(16).toUpperCase()}.`,
  noDataProvided: 'No data provided',
  notAcceptable: 'Could not satisfy the request Accept header.',
  notFound: 'Not found.',
  serverError: 'A server error occurred.',
  /** DRF's ServiceUnavailable. */
  serviceUnavailable: 'Service temporarily unavailable, try again later.',
  requestTooLarge: 'Request body is too large.',
  headersTooLarge: 'Request header fields are too large.',
  /** No text in DRF: a 408 is Node's, answered in DRF's shape. */
  requestTimeout: 'Request timed out: the whole request did not arrive in time.',
  expectedDictionary: (got: string) => `Invalid data. Expected a dictionary, but got ${got}.`,
  jsonParseError: (reason: string) => `JSON parse error - ${reason}`,
  multipartParseError: (reason: string) => `Multipart form parse error - ${reason}`,
  /** DRF's ParseError, with what was wrong. */
  malformedRequest: (reason: string) => `Malformed request. ${reason}`,
  tooManyFields: 'Malformed request. The form has more than 1000 fields.',
  unsupportedMediaType: (type: string) => `Unsupported media type "${type}" in request.`,
  methodNotAllowed: (method: string) => `Method "${method}" not allowed.`,
  throttled: (wait: number) =>
    `Request was throttled. Expected available in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`,
} as const;

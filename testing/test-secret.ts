/** The HS256 signing key every test server and test stack shares: long enough, never used elsewhere. */
export const testSecret = 'test-secret-of-at-least-thirty-two-bytes!';

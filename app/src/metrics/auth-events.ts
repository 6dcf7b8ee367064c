/** What the token and user services report as it happens; the metrics count it. */
export interface AuthEvents {
  /** A login: a new refresh and access pair. */
  issued(): void;
  refreshed(): void;
  /** A refresh token logged out (blacklisted) by its holder. */
  blacklisted(): void;
  /** A rotated refresh token presented again: its family is revoked. */
  reuseDetected(): void;
  loginFailed(): void;
}

const nothing = () => undefined;

export const unobservedAuthEvents: AuthEvents = {
  issued: nothing,
  refreshed: nothing,
  blacklisted: nothing,
  reuseDetected: nothing,
  loginFailed: nothing,
};

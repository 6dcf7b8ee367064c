/**
 * What the app needs from storage, and nothing about how it is kept: SQLite (one host) and
 * PostgreSQL (several) implement it, and one contract suite holds both to it.
 *
 * Every method is async so an implementation over the network fits the same shape.
 */
import type { UserRepository } from './user-repository.ts';
/** Why a refresh token was blacklisted. */
export type RevocationReason =
  | 'logout'
  | 'rotated'
  | 'reuse'
  | 'logout_all'
  | 'password_change'
  /** Blacklisted in the Django deployment it was imported from. */
  | 'imported';

/** A refresh token as stored: its id and metadata, never the token itself. */
export interface OutstandingToken {
  jti: string;
  userId: number;
  /** The jti of the first token of the login it descends from. */
  familyId: string;
  parentJti: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface Blacklisting {
  jti: string;
  reason: RevocationReason;
  blacklistedAt: number;
}

export interface TokenRepository {
  /** Records a newly issued refresh token. */
  recordOutstanding(token: OutstandingToken): Promise<void>;
  findOutstanding(jti: string): Promise<OutstandingToken | undefined>;
  findBlacklisting(jti: string): Promise<Blacklisting | undefined>;
  /**
   * Blacklists a token (recording it as outstanding first if it is unknown, as simplejwt does).
   * Returns false when it was blacklisted already: of two concurrent calls, exactly one gets true.
   */
  blacklist(token: OutstandingToken, reason: RevocationReason, at: number): Promise<boolean>;
  /**
   * Atomically blacklists `old` as rotated and records `next`. Returns false, recording nothing,
   * when `old` was blacklisted already: of concurrent rotations of one token, exactly one wins.
   */
  rotate(old: OutstandingToken, next: OutstandingToken, at: number): Promise<boolean>;
  /** Blacklists every live token of a family; returns how many. */
  revokeFamily(familyId: string, reason: RevocationReason, at: number): Promise<number>;
  /** Blacklists every live token of a user; returns how many. */
  revokeUser(userId: number, reason: RevocationReason, at: number): Promise<number>;
  /** Deletes the rows of tokens that expired before `at`; returns how many tokens. */
  flushExpired(at: number): Promise<number>;
  /** Every token still live at `at`, with its blacklisting if it has one, oldest first. */
  listLive(at: number): Promise<LiveToken[]>;
}

export interface LiveToken {
  token: OutstandingToken;
  blacklisting: Blacklisting | undefined;
}

/** Failed logins under one key (an account, an address) in the window that began at the first. */
export interface FailureWindow {
  failures: number;
  windowStart: number;
}

/** A key under which login attempts are counted (an account, an address), and its limit. */
export interface AttemptLimit {
  key: string;
  limit: number;
}

/**
 * What `reserve` decided: counted, with each key's failures in its open window before this
 * attempt, or refused until `retryAfterSeconds` have passed.
 */
export type Reservation =
  | { granted: true; failuresBefore: Map<string, number> }
  | { granted: false; retryAfterSeconds: number };

export interface LoginFailureRepository {
  /**
   * Counts one attempt against every key, all or nothing, atomically across processes: refused,
   * counting nothing, when any key has reached its limit in its open window (a window opens at
   * `at` when the last began `windowSeconds` or more ago). Of concurrent attempts, no more are
   * granted than the lowest limit allows; the refused wait for the last of their windows to close.
   */
  reserve(limits: AttemptLimit[], at: number, windowSeconds: number): Promise<Reservation>;
  /** Takes one attempt back from each key whose window is still open (the login succeeded). */
  release(keys: string[], at: number, windowSeconds: number): Promise<void>;
  /** The windows of these keys that are still open at `at`; keys with none are left out. */
  open(keys: string[], at: number, windowSeconds: number): Promise<Map<string, FailureWindow>>;
  /** Forgets these keys, and every key that starts with `prefix` when one is given. */
  clear(keys: string[], prefix?: string): Promise<void>;
  /** Deletes the windows closed before `at`; returns how many. */
  flushExpired(at: number, windowSeconds: number): Promise<number>;
}

export interface Store {
  users: UserRepository;
  tokens: TokenRepository;
  loginFailures: LoginFailureRepository;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class AlreadyExistsError extends Error {
  override name = 'AlreadyExistsError';
}

/** Users brought from elsewhere clash with users already here; the message lists them. */
export class UsersClashError extends Error {
  override name = 'UsersClashError';
}

/** The database cannot be reached now (down, restarting, too slow): a 503, worth retrying. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** The database could not be opened at start-up; the message is one line, without secrets. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

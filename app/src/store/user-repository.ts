/**
 * A user as the app keeps it, and what the users need from storage: the store implements this
 * interface, the user service and authentication use it. It lives with the store, so that the
 * store depends on nothing above it.
 */
export interface User {
  id: number;
  username: string;
  passwordHash: string;
  isActive: boolean;
  dateJoined: number;
  lastLogin: number | null;
}

export interface UserRepository {
  /** Throws AlreadyExistsError when the username is taken. */
  create(username: string, passwordHash: string, at: number): Promise<User>;
  /**
   * Adds a user brought from another deployment with all it had, its id included: the tokens
   * that deployment issued name the user by it. Throws AlreadyExistsError when the id or the
   * username is taken.
   */
  insertWithId(user: User): Promise<void>;
  findById(id: number): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  setActive(id: number, active: boolean): Promise<void>;
  setPasswordHash(id: number, passwordHash: string): Promise<void>;
  recordLogin(id: number, at: number): Promise<void>;
}

/**
 * Brings a Django + simplejwt deployment's users and refresh tokens into the store, so that the
 * switch logs nobody out: users keep their ids (the tokens Django issued name them) and their
 * password hashes (checked in Django's formats, re-hashed to scrypt at the next login), and a
 * token blacklisted in Django stays refused. Running it again adds nothing twice; a user whose
 * id or username is taken by another is a conflict, reported before anything is written.
 */
import type { Store } from '../store/store.ts';
import { djangoHashFormat } from '../users/django-password-hashes.ts';
import { usersToAdd } from '../store/users-to-add.ts';
import type { DjangoExport, DjangoOutstandingToken } from './django-export.ts';

export interface ImportSummary {
  users: { added: number; present: number };
  /** How many users have each password format: Django's names, `unusable`, or `unchecked <name>`. */
  passwordFormats: Record<string, number>;
  tokens: { added: number; present: number; expired: number; withoutUser: number };
  blacklisted: { added: number; present: number };
}

export interface ImportOptions {
  /** Epoch seconds: tokens that expired by then are left behind. */
  now: number;
  /** Work out and report everything, write nothing. */
  dryRun: boolean;
  /** Told every so often how far the import is. */
  progress?: (done: number, total: number) => void;
}

/** What `import-django` can check, and what it cannot (the user must then set a new password). */
function passwordFormat(hash: string): string {
  const format = djangoHashFormat(hash);
  if (format) return format;
  if (hash.startsWith('!') || hash === '') return 'unusable';
  return `unchecked ${hash.includes('$') ? hash.slice(0, hash.indexOf('$')) : 'unsalted'}`;
}

export async function importDjango(
  store: Store,
  exported: DjangoExport,
  options: ImportOptions,
): Promise<ImportSummary> {
  const { toAdd, present } = await usersToAdd(store, exported.users, {
    place: 'here',
    heading: (clashes) =>
      `${clashes} Django user(s) clash with users already here; nothing was imported:`,
  });
  const passwordFormats: Record<string, number> = {};
  for (const user of exported.users) {
    const format = passwordFormat(user.password);
    passwordFormats[format] = (passwordFormats[format] ?? 0) + 1;
  }
  const userIds = new Set(exported.users.map((user) => user.id));
  const summary: ImportSummary = {
    users: { added: toAdd.length, present },
    passwordFormats,
    tokens: { added: 0, present: 0, expired: 0, withoutUser: 0 },
    blacklisted: { added: 0, present: 0 },
  };
  const total = toAdd.length + exported.outstanding.length + exported.blacklisted.length;
  let done = 0;
  const step = () => {
    done += 1;
    if (done % 1000 === 0 || done === total) options.progress?.(done, total);
  };

  for (const user of toAdd) {
    if (!options.dryRun) {
      await store.users.insertWithId({
        id: user.id,
        username: user.username,
        passwordHash: user.password,
        isActive: user.isActive,
        dateJoined: user.dateJoined,
        lastLogin: user.lastLogin,
      });
    }
    step();
  }

  const imported = new Map<number, DjangoOutstandingToken & { userId: number }>();
  for (const token of exported.outstanding) {
    step();
    if (token.expiresAt <= options.now) {
      summary.tokens.expired += 1;
      continue;
    }
    const { userId } = token;
    if (userId === null || !(userIds.has(userId) || (await store.users.findById(userId)))) {
      summary.tokens.withoutUser += 1;
      continue;
    }
    imported.set(token.id, { ...token, userId });
    if (await store.tokens.findOutstanding(token.jti)) {
      summary.tokens.present += 1;
      continue;
    }
    summary.tokens.added += 1;
    if (!options.dryRun) await store.tokens.recordOutstanding(asOutstanding(token, userId));
  }

  for (const { tokenId, blacklistedAt } of exported.blacklisted) {
    step();
    const token = imported.get(tokenId);
    if (!token) continue; // expired, or its user is gone: refused either way
    const known = await store.tokens.findBlacklisting(token.jti);
    if (known) summary.blacklisted.present += 1;
    else summary.blacklisted.added += 1;
    if (!known && !options.dryRun) {
      await store.tokens.blacklist(asOutstanding(token, token.userId), 'imported', blacklistedAt);
    }
  }
  return summary;
}

/** Each Django token starts a family of its own: simplejwt keeps no lineage. */
const asOutstanding = (token: DjangoOutstandingToken, userId: number) => ({
  jti: token.jti,
  userId,
  familyId: token.jti,
  parentJti: null,
  createdAt: token.createdAt,
  expiresAt: token.expiresAt,
});

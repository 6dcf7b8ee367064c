/**
 * The app's one public door: what the other parts (the host stack, nginx's renderer, the Pulumi
 * program, the load test, the ops view, the docs generator) may use. Everything else in app/src
 * is the app's own; a lint rule (eslint.config.js) refuses any other reach into it, so a change
 * inside the app cannot silently break a part that depends on it.
 */

// The app's settings schema and its loader (the machinery is the settings part's: settings/).
export { loadConfig } from './config/load-config.ts';
export {
  algorithms,
  settings as appSettings,
  type Config,
  type JwtAlgorithm,
} from './config/settings.ts';

// What the stack and the Pulumi program size and check before they start the app.
export { signingKeyProblems, verifyingKeysProblems } from './tokens/key-ring.ts';
export { workerMemoryMb } from './users/hashing-memory.ts';
export { owaspScryptParams } from './users/password-hashing.ts';

// The app's services, for the commands and benches that run it or provide its first user.
export { provideUser } from './cli/provide-user.ts';
export { systemClock } from './clock.ts';
export { buildServices, openConfiguredStore, userServiceFor } from './services.ts';
export { openStore } from './store/open-store.ts';

// The metric names the ops view reads.
export { metricNames } from './metrics/metric-names.ts';

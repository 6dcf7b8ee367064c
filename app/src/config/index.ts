/**
 * The settings machinery's own door: what a part needs to read a schema of its own from the
 * environment, and nothing of the running app. nginx's image renders its config with this alone
 * (nginx/Dockerfile copies app/src/config and no more); everything else comes through the app's
 * door, app/src/index.ts, which re-exports these.
 */
export { ConfigError, loadEnvFile } from './load-config.ts';
export {
  byteSize,
  ConfigValueError,
  durationSeconds,
  integerFrom,
  oneOf,
  port,
  text,
  type Parser,
} from './parsers.ts';
export {
  nodeEnvs,
  optional,
  readSettings,
  setting,
  type Schema,
  type ValuesOf,
} from './setting.ts';

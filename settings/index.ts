/**
 * The settings part's door: the declarative machinery every part builds its own schema with (the
 * app, the host stack, nginx's renderer, the Pulumi program, the load test), the parsers, the
 * reading of DATABASE_URL they share, the one error a bad configuration becomes, and the frame
 * every command reports it in. It imports nothing of the other parts, so nginx's image renders
 * its config with it alone.
 */
export { runInFrame, type CommandFrame } from './command-frame.ts';
export { ConfigError } from './config-error.ts';
export { databaseTarget, withoutPassword, type DatabaseTarget } from './database-url.ts';
export { loadEnvFile } from './env-file.ts';
export {
  boolean,
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
  defaultOf,
  inProduction,
  nodeEnvs,
  optional,
  readSettings,
  setting,
  type NodeEnv,
  type OptionalSetting,
  type Schema,
  type Setting,
  type ValuesOf,
} from './setting.ts';

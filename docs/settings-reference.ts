/**
 * docs/settings.md, written from the schemas themselves: the app's, the host stack's (nginx's
 * among them), the load test's and the Pulumi program's. `npm run docs` rewrites it; a test fails
 * when the committed file differs, so the reference cannot drift from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import {
  byteSize,
  durationSeconds,
  type Parser,
  nodeEnvs,
  type Schema,
} from '../settings/index.ts';
import { appSettings as appSchema } from '../app/src/index.ts';
import { stackConfigSchema } from '../infra/src/stack-config.ts';
import { flagOf, loadtestSchema, targetUserSchema } from '../loadtest/runner/loadtest-settings.ts';
import { nginxSchema } from '../nginx/src/nginx-settings.ts';
import { stackSchema } from '../stack/stack-settings.ts';

export const referenceFile = join(import.meta.dirname, 'settings.md');

const units: [number, string][] = [
  [86_400, 'd'],
  [3600, 'h'],
  [60, 'm'],
  [1, 's'],
];
const asDuration = (seconds: number) => {
  const [size, unit] = units.find(([size]) => seconds % size === 0 && seconds >= size) ?? [1, 's'];
  return `${seconds / size}${unit}`;
};
const asBytes = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024}kb` : `${bytes}`);

/** Defaults are stored parsed; these parsers' values read better the way they are written. */
const writtenAs = new Map<Parser<unknown>, (value: never) => string>([
  [durationSeconds, asDuration],
  [byteSize, asBytes],
]);

function shown(value: unknown, parse: Parser<unknown>): string {
  if (value === undefined) return '';
  const written = writtenAs.get(parse);
  if (written) return `\`${written(value as never)}\``;
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  if (typeof value === 'object' && value !== null && 'text' in value)
    return `\`${String(value.text)}\``;
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

function defaultOf(s: Schema[string]): string {
  if ('optional' in s) return '(unset)';
  if (s.defaultText) return s.defaultText;
  if (typeof s.default !== 'function') return shown(s.default, s.parse);
  const byValue = new Map<string, string[]>();
  for (const env of nodeEnvs) {
    const value = shown((s.default as (e: string) => unknown)(env), s.parse);
    byValue.set(value, [...(byValue.get(value) ?? []), env]);
  }
  return [...byValue].map(([value, envs]) => `${value} (${envs.join(', ')})`).join(', ');
}

const cell = (text: string) => text.replaceAll('|', '\\|');

function table(schema: Schema, header: string, name = (s: Schema[string]) => `\`${s.env}\``) {
  const rows = Object.values(schema).map(
    (s) => `| ${name(s)} | ${cell(defaultOf(s))} | ${cell(s.doc)} |`,
  );
  return [`| ${header} | default | meaning |`, '| --- | --- | --- |', ...rows].join('\n');
}

const withoutKeys = (schema: Schema, drop: Schema): Schema =>
  Object.fromEntries(Object.entries(schema).filter(([key]) => !(key in drop)));

export async function settingsReference(): Promise<string> {
  const text = `<!-- Written by \`npm run docs\` from the schemas; edit those, not this file. -->
# Settings reference

Every setting the kit reads, with its default, from the schema that reads it. A bad value stops
the command before it does anything, with one line per value naming it.

## The app

Environment variables, or a \`.env\` file (\`.env.example\` lists them too); the environment wins.
Schema: \`app/src/config/settings.ts\`.

${table(appSchema, 'variable')}

## nginx

Read by the host stack and, at build time, by the nginx image. Schema: \`nginx/src/nginx-settings.ts\`.

${table(nginxSchema, 'variable')}

## The host stack

\`npm run stack\` reads nginx's settings above and these; the app's pass through to the workers.
Schema: \`stack/stack-settings.ts\`.

${table(withoutKeys(stackSchema, nginxSchema), 'variable')}

## The load test

\`npm run loadtest\`: each setting is also a flag (\`--duration 1m\`), and a flag wins over its
variable. Schema: \`loadtest/runner/loadtest-settings.ts\`.

${table(loadtestSchema, 'flag', (s) => `\`${flagOf(Object.entries(loadtestSchema).find(([, v]) => v === s)?.[0] ?? '')}\`, \`${s.env}\``)}

${table(targetUserSchema, 'variable')}

## The Pulumi program

\`pulumi config set <key> <value>\` in \`infra/\`; the signing key is required and secret:
\`pulumi config set --secret jwtSigningKey ...\` (HMAC secret, at least 32 bytes for HS256, or a PEM
private key). Other secrets, each set with \`--secret\` (a value of several lines from standard
input: \`pulumi config set --secret tlsKey < privkey.pem\`): \`jwtVerifyingKeys\` (older keys still
accepted: PEM public keys, or HMAC secrets one a line), \`tlsCertificate\` and \`tlsKey\` (HTTPS),
\`databasePassword\` (Swarm), \`registryPassword\`. Schema: \`infra/src/stack-config.ts\`.

${table(stackConfigSchema, 'key')}
`;
  // As the formatter would leave it, so that `npm run format` and this agree.
  const options = await prettier.resolveConfig(referenceFile);
  return prettier.format(text, { ...options, filepath: referenceFile });
}

if (import.meta.main) {
  const text = await settingsReference();
  if (process.argv.includes('--check')) {
    if (readFileSync(referenceFile, 'utf8') !== text) {
      process.stderr.write('docs/settings.md is out of date: run `npm run docs`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(referenceFile, text);
    process.stdout.write(`wrote ${referenceFile}\n`);
  }
}

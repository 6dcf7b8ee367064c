/**
 * schemathesis, the property-based fuzzer, run against an API from its own OpenAPI document:
 * it generates requests for every operation (valid and invalid ones, and chains that follow the
 * document's links) and checks each answer: no 5xx, a status the document lists, the declared
 * content type, a body that fits the schema. Installed by tools/setup.sh into .tools/venv.
 * https://schemathesis.readthedocs.io/en/stable/reference/cli/
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../tools/project-root.ts';

const binary = join(projectRoot, '.tools', 'venv', 'bin', 'st');

export const fuzzChecks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

export interface FuzzOptions {
  /** The API's base URL; its document is read from /api/schema/. */
  url: string;
  maxExamples: number;
  /** Requests in flight at once: as many as the server has workers keeps them all busy. */
  workers?: number;
  /** A fixed seed makes a run repeatable (CI); leave it out for a new exploration each time. */
  seed?: number;
  /** Sent with every request: a valid access token lets the protected operations be reached. */
  headers?: Record<string, string>;
  onLine?: (line: string) => void;
}

export interface FuzzResult {
  operations: number;
  testCases: number;
  /** One line per distinct failure, as schemathesis names it. */
  failures: string[];
  /** What kept requests from being checked at all (the server went away, ...). */
  errors: string[];
  exitCode: number | null;
  output: string;
}

interface JsonReport {
  operations: { tested: number };
  test_cases: { generated: number };
  failures: { title: string; operations?: string[] }[];
  errors: { title: string; count?: number }[] | null;
}

export function runSchemathesis(options: FuzzOptions): Promise<FuzzResult> {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`npm run setup\` (it installs schemathesis)`);
  }
  const reportDir = mkdtempSync(join(tmpdir(), 'prodstack-fuzz-'));
  const args = [
    'run',
    `${options.url}/api/schema/`,
    '--url',
    options.url,
    '--checks',
    fuzzChecks.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--workers',
    String(options.workers ?? 1),
    ...(options.seed === undefined ? [] : ['--seed', String(options.seed)]),
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
      '-H',
      `${name}: ${value}`,
    ]),
    // No example database in the working folder: a run depends on its seed alone.
    '--generation-database',
    'none',
    '--no-color',
    '--report',
    'json',
    '--report-dir',
    reportDir,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of chunk.toString().split('\n')) if (line) options.onLine?.(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const file = readdirSync(reportDir).find((name) => name.endsWith('.json'));
      if (!file) {
        reject(new Error(`schemathesis wrote no report (exit ${String(exitCode)}):\n${output}`));
        return;
      }
      const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8')) as JsonReport;
      resolve({
        operations: report.operations.tested,
        testCases: report.test_cases.generated,
        failures: report.failures.map((f) => `${(f.operations ?? []).join(', ')}: ${f.title}`),
        errors: (report.errors ?? []).map((e) => `${e.title} (${e.count ?? 1}×)`),
        exitCode,
        output,
      });
    });
  });
}

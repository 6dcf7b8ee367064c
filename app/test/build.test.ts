import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { forkServer } from './support/fork-server.ts';
import { send } from '../../testing/http-client.ts';
import { testEnv } from './support/test-server.ts';
import { tempDir } from '../../testing/temp-dir.ts';

const run = promisify(execFile);

describe('the production build', () => {
  it('compiles to JavaScript that serves the API in production mode', async () => {
    // Inside the project, so the output resolves node_modules and "type": "module" as dist/ does.
    mkdirSync('var', { recursive: true });
    const outDir = mkdtempSync(join('var', 'test-build-'));
    process.once('exit', () => {
      rmSync(outDir, { recursive: true, force: true });
    });
    await run('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json', '--outDir', outDir]);
    const env = testEnv(tempDir(), {
      NODE_ENV: 'production',
      PASSWORD_SCRYPT_LOG_N: '17',
      LOG_LEVEL: 'info',
    });
    const { child, url, logs, exited } = await forkServer(
      join(outDir, 'app', 'src', 'start.js'),
      env,
    );
    const ready = await send('GET', `${url}/readyz`);
    child.kill('SIGTERM');
    await exited;
    assert.equal(ready.status, 200);
    assert.match(
      logs.join('\n'),
      /^\{"time":"[^"]+","level":"info","msg":"listening",.*"env":"production"/m,
    );
  });
});

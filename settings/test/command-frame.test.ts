import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { runInFrame, type CommandFrame } from '../command-frame.ts';
import { ConfigError } from '../config-error.ts';

class UsageError extends Error {}

const frame: CommandFrame = {
  prefix: 'tool: ',
  exitCodeOf: (error) =>
    error instanceof UsageError ? 2 : error instanceof ConfigError ? 1 : undefined,
  usageAfter: (error) => (error instanceof UsageError ? 'usage: tool <command>' : undefined),
};

/** Runs `work` in the frame and returns what it wrote on stderr. */
async function stderrOf(work: () => void): Promise<{ code: number; written: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let written = '';
  process.stderr.write = (chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  };
  try {
    return { code: await runInFrame(frame, work), written };
  } finally {
    process.stderr.write = write;
  }
}

describe('the command frame', () => {
  afterEach(() => {
    process.exitCode = 0;
  });

  it('says every problem of a bad configuration on a line of its own and exits with its code', async () => {
    const { code, written } = await stderrOf(() => {
      throw new ConfigError(['PORT: expected a port', 'HOST: expected an address']);
    });
    assert.equal(code, 1);
    assert.equal(process.exitCode, 1);
    assert.equal(written, 'tool: PORT: expected a port\ntool: HOST: expected an address\n');
  });

  it('adds the usage to the errors it helps with', async () => {
    const { code, written } = await stderrOf(() => {
      throw new UsageError('no command given');
    });
    assert.equal(code, 2);
    assert.equal(written, 'tool: no command given\nusage: tool <command>\n');
  });

  it('throws on, with its stack, what the command does not know as the person’s to act on', async () => {
    await assert.rejects(
      stderrOf(() => {
        throw new TypeError('a bug');
      }),
      TypeError,
    );
    assert.equal(process.exitCode, 0);
  });

  it('says nothing and leaves the exit code alone when the work succeeds', async () => {
    assert.deepEqual(await stderrOf(() => undefined), { code: 0, written: '' });
  });
});

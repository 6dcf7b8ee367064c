/**
 * Starts a server entry point as pm2 would, with an IPC channel, and resolves once it sends
 * 'ready'; rejects with its output if it exits first. JSON logs are collected line by line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface ForkedServer {
  child: ChildProcess;
  url: string;
  logs: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function forkServer(script: string, env: NodeJS.ProcessEnv): Promise<ForkedServer> {
  const child = fork(script, [], { env: { PATH: process.env.PATH, ...env }, silent: true });
  const logs: string[] = [];
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => logs.push(...chunk.toString().trim().split('\n')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const early = exited.then((code) => {
    throw new Error(
      `${script} exited with ${String(code)} before it was ready:\n${stderr}${logs.join('\n')}`,
    );
  });
  const [message] = (await Promise.race([once(child, 'message'), early])) as [unknown];
  if (message !== 'ready') throw new Error(`expected 'ready', got ${JSON.stringify(message)}`);
  const url = /"url":"([^"]+)"/.exec(logs.join('\n'))?.[1] ?? '';
  return { child, url, logs, exited };
}

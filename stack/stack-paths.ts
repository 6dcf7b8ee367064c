/**
 * Where the host stack keeps its state: under var/, which git ignores, or STACK_STATE_DIR (the
 * tests give each run a folder of its own, so they never meet a stack a developer is running).
 */
import { join, resolve } from 'node:path';
import { projectRoot } from '../tools/project-root.ts';

const varDir = process.env.STACK_STATE_DIR
  ? resolve(process.env.STACK_STATE_DIR)
  : join(projectRoot, 'var');

export const stackPaths = {
  /** pm2's own home, so the stack never touches a pm2 the user runs elsewhere. */
  pm2Home: join(varDir, 'pm2'),
  logDir: join(varDir, 'log'),
  nginx: {
    prefix: join(varDir, 'nginx'),
    conf: join(varDir, 'nginx', 'conf'),
    run: join(varDir, 'nginx', 'run'),
    temp: join(varDir, 'nginx', 'tmp'),
    tls: join(varDir, 'nginx', 'tls'),
    pidFile: join(varDir, 'nginx', 'run', 'nginx.pid'),
    logDir: join(varDir, 'log'),
  },
  /** A signing key made for this host when none is configured. */
  signingKeyFile: join(varDir, 'secrets', 'jwt-signing-key'),
  /** What nginx proves itself to the workers with, made for this host when none is configured. */
  proxySecretFile: join(varDir, 'secrets', 'proxy-secret'),
  /** The supervisor's pid (stack-supervisor.ts). */
  supervisorPidFile: join(varDir, 'supervisor.pid'),
  ecosystem: join(projectRoot, 'ecosystem.config.cjs'),
};

// pm2's description of the production app: the compiled API in cluster mode, one worker per CPU
// by default. The host stack (`npm run stack`) and the containers both run this file.
// Options: https://pm2.keymetrics.io/docs/usage/application-declaration/
const { join } = require('node:path');

const instances = process.env.PM2_INSTANCES ?? 'max';
if (instances !== 'max' && !/^[1-9]\d*$/.test(instances)) {
  throw new Error(`PM2_INSTANCES: expected a whole number from 1, or max, got "${instances}"`);
}
// `none` (the containers): no log files; pm2-runtime prints the app's output instead.
const logDir = process.env.PM2_LOG_DIR ?? join(__dirname, 'var', 'log');
const logFile = (name) => (logDir === 'none' ? '/dev/null' : join(logDir, name));

// Where there are log files, pm2-logrotate keeps them bounded: it rotates every pm2 log above a
// size and daily, and keeps a number of old files. It runs as a plain app of this file rather
// than `pm2 install`ed, which would fetch it from the network on every new host; its settings
// are pm2's module settings (`pm2 set pm2-logrotate:max_size 10M`), which the host stack makes
// from PM2_LOG_MAX_SIZE, PM2_LOG_RETAIN and PM2_LOG_CHECK_SECONDS.
// https://github.com/keymetrics/pm2-logrotate
const logRotation = {
  name: 'pm2-logrotate',
  script: require.resolve('pm2-logrotate/app.js'),
  exec_mode: 'fork',
  instances: 1,
  out_file: logFile('pm2-logrotate.log'),
  error_file: logFile('pm2-logrotate.log'),
  merge_logs: true,
  max_memory_restart: '100M',
};

// nginx's logs on the host stack, rotated with the same settings (stack/rotate-nginx-logs.ts).
// The stack names the state folder it keeps nginx's pid in; the containers log to stdout.
const nginxLogRotation = {
  name: 'nginx-logrotate',
  script: join(__dirname, 'stack', 'rotate-nginx-logs.ts'),
  exec_mode: 'fork',
  instances: 1,
  out_file: logFile('nginx-logrotate.log'),
  error_file: logFile('nginx-logrotate.log'),
  merge_logs: true,
  max_memory_restart: '100M',
};

module.exports = {
  apps: [
    {
      name: 'api',
      cwd: __dirname,
      script: 'dist/app/src/start.js',
      // Cluster mode: workers share the port through pm2's master, and `pm2 reload` replaces
      // them one after the other, so the port never goes unanswered.
      exec_mode: 'cluster',
      instances: instances === 'max' ? 'max' : Number(instances),
      // A worker receives traffic only after it calls process.send('ready'): the database is
      // open and the port listens (app/src/start.ts).
      wait_ready: true,
      // How long pm2 waits for 'ready'; a start takes well under a second, 10 s leaves room on a
      // loaded machine. pm2's default is 3 s.
      listen_timeout: 10_000,
      // How long pm2 waits after SIGINT before SIGKILL. The app drains for SHUTDOWN_TIMEOUT
      // (10 s by default) and exits within 5 s more, so this must stay above 15 s.
      kill_timeout: 16_000,
      // A leaking worker is restarted before it slows the machine. `npm run stack` sets the limit
      // from the worker's hash concurrency (stack/worker-budget.ts), so a login flood stays below.
      max_memory_restart: process.env.PM2_MAX_MEMORY ?? '300M',
      out_file: logFile('api.out.log'),
      error_file: logFile('api.err.log'),
      merge_logs: true,
      env: {
        HOST: process.env.APP_HOST ?? '127.0.0.1',
        PORT: process.env.APP_PORT ?? '3000',
        // nginx runs in front: take the client's address from its X-Forwarded-For.
        TRUST_PROXY: process.env.TRUST_PROXY ?? 'loopback',
      },
      // `pm2 start ecosystem.config.cjs --env production` adds these.
      env_production: {
        NODE_ENV: 'production',
      },
    },
    ...(logDir === 'none' ? [] : [logRotation]),
    ...(process.env.STACK_NGINX_LOGS === 'rotate' ? [nginxLogRotation] : []),
  ],
};

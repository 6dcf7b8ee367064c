/**
 * What the Swarm engine tests ask a swarm, as docker CLI arguments: each test sends them to its
 * own engine (this machine's, or a lab node's).
 */

/** A command's output, one entry a line. */
export const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** The service's tasks meant to be running, one line each in `format` (`docker service ps`). */
export const runningTasks = (service: string, format: string) => [
  'service',
  'ps',
  service,
  '--filter',
  'desired-state=running',
  '--format',
  format,
];

/** The containers of a service's tasks on the engine asked, by id; with `all`, stopped ones too. */
export const serviceContainers = (service: string, { all = false } = {}) => [
  'ps',
  ...(all ? ['--all'] : []),
  '--quiet',
  '--filter',
  `label=com.docker.swarm.service.name=${service}`,
];

/**
 * The state of a service's last update (`updating`, `completed`, `rollback_completed`, …), or
 * `none` when it was never updated.
 */
export const updateState = (service: string) => [
  'service',
  'inspect',
  '--format',
  '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{else}}none{{end}}',
  service,
];

/**
 * A GET of `url` from a one-off container of `image` (which has node) on `network`, printing the
 * body: how the tests ask Prometheus, which publishes no port, as an operator's container would.
 */
export const fetchOnNetwork = (network: string, image: string, url: string, name?: string) => [
  'run',
  '--rm',
  ...(name === undefined ? [] : ['--name', name]),
  '--network',
  network,
  image,
  'node',
  '-e',
  'fetch(process.argv[1]).then((r) => r.text()).then((t) => process.stdout.write(t))',
  url,
];

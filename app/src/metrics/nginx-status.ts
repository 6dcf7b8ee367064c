/**
 * nginx's stub_status page, read into Prometheus series:
 *   Active connections: 2
 *   server accepts handled requests
 *    16 16 31
 *   Reading: 0 Writing: 1 Waiting: 1
 * https://nginx.org/en/docs/http/ngx_http_stub_status_module.html
 */
import { metricNames } from './metric-names.ts';
export interface NginxStatus {
  active: number;
  accepted: number;
  handled: number;
  requests: number;
  reading: number;
  writing: number;
  waiting: number;
}

export function parseNginxStatus(text: string): NginxStatus | undefined {
  const numbers =
    /Active connections:\s*(\d+)\s+server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)\s+Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(
      text,
    );
  if (!numbers) return undefined;
  const [active, accepted, handled, requests, reading, writing, waiting] = numbers
    .slice(1)
    .map(Number) as [number, number, number, number, number, number, number];
  return { active, accepted, handled, requests, reading, writing, waiting };
}

/** The Prometheus text of a status; `undefined` (nginx not answering) is nginx_up 0 alone. */
export function nginxSeries(status: NginxStatus | undefined): string {
  const up = metricNames.nginxUp;
  const lines = [`# TYPE ${up} gauge`, `${up} ${status ? 1 : 0}`];
  if (!status) return `${lines.join('\n')}\n`;
  const series: [string, 'gauge' | 'counter', number][] = [
    [metricNames.nginxActive, 'gauge', status.active],
    [metricNames.nginxReading, 'gauge', status.reading],
    [metricNames.nginxWriting, 'gauge', status.writing],
    [metricNames.nginxWaiting, 'gauge', status.waiting],
    [metricNames.nginxAccepted, 'counter', status.accepted],
    [metricNames.nginxHandled, 'counter', status.handled],
    [metricNames.nginxRequests, 'counter', status.requests],
  ];
  for (const [name, type, value] of series)
    lines.push(`# TYPE ${name} ${type}`, `${name} ${value}`);
  return `${lines.join('\n')}\n`;
}

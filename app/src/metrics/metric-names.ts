/**
 * The name of every metric the stack exports, in one place: the metrics code writes them and the
 * ops view reads them. Renaming one here renames it for both (and for Prometheus rules: say so).
 */
export const metricNames = {
  httpRequests: 'http_requests_total',
  httpDuration: 'http_request_duration_seconds',
  tokensIssued: 'auth_tokens_issued_total',
  tokensRefreshed: 'auth_tokens_refreshed_total',
  tokensBlacklisted: 'auth_tokens_blacklisted_total',
  refreshReuse: 'auth_refresh_reuse_detected_total',
  loginFailures: 'auth_login_failures_total',
  uptime: 'process_uptime_seconds',
  ready: 'app_ready',
  workerUp: 'app_worker_up',
  workerReady: 'app_worker_ready',
  workerRequests: 'app_worker_http_requests_total',
  workerServerErrors: 'app_worker_http_server_errors_total',
  nginxUp: 'nginx_up',
  nginxActive: 'nginx_connections_active',
  nginxReading: 'nginx_connections_reading',
  nginxWriting: 'nginx_connections_writing',
  nginxWaiting: 'nginx_connections_waiting',
  nginxAccepted: 'nginx_connections_accepted_total',
  nginxHandled: 'nginx_connections_handled_total',
  nginxRequests: 'nginx_http_requests_total',
} as const;

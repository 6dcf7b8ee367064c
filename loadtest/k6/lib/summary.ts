/**
 * The end-of-test summary as JSON, to SUMMARY_FILE, for the runner to read; nothing on stdout,
 * where the runner prints its own line per run.
 * https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/
 */
export function handleSummary(data: object): Record<string, string> {
  const file = __ENV.SUMMARY_FILE;
  return file ? { [file]: JSON.stringify(data) } : {};
}

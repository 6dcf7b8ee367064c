/**
 * The container's HEALTHCHECK: exits 0 when this container's app answers /readyz with 200. Node
 * itself makes the request, so the image needs no curl or wget.
 */
const port = process.env.PORT ?? process.env.APP_PORT ?? '3000';

try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
    signal: AbortSignal.timeout(2000),
  });
  if (response.status !== 200) {
    process.stderr.write(`/readyz answered ${response.status}: ${await response.text()}\n`);
    process.exitCode = 1;
  }
} catch (error) {
  process.stderr.write(`/readyz did not answer: ${(error as Error).message}\n`);
  process.exitCode = 1;
}

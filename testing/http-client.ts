/** A small fetch wrapper: JSON in, status, headers and parsed body out. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
  /** The body as a record, for reading fields. */
  json: Record<string, unknown>;
}

export interface RequestOptions {
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  token?: string;
}

export async function send(
  method: string,
  url: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method,
    headers,
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const json = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, body, json };
}

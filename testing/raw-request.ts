/**
 * One HTTP request sent exactly as given, where fetch would tidy it up: a header twice, any
 * method, a body of raw bytes. The answer keeps every header as received.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  path: string;
  /** A list sends the header once per value. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function sendRaw(baseUrl: string, raw: RawRequest): Promise<RawReply> {
  const url = new URL(raw.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: raw.method, headers: raw.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(raw.body);
  });
}

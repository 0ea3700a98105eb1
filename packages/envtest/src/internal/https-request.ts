import { request } from 'node:https';

/** Who is calling a local HTTPS endpoint, and how its serving certificate is checked. */
export interface HttpsCaller {
  readonly port: number;
  /** PEM of the CA that signed the serving certificate; omitted for self-signed component endpoints. */
  readonly ca?: string;
  /** Skip the serving certificate check: only for the self-signed health endpoints of components. */
  readonly insecure?: boolean;
  readonly cert?: string;
  readonly key?: string;
  readonly token?: string;
}

/** A response with its body read as text. */
export interface HttpsResponse {
  readonly status: number;
  readonly body: string;
}

/** Sends one request to https://127.0.0.1:<port><path> and reads the whole response. */
export async function httpsRequest(
  caller: HttpsCaller,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<HttpsResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: caller.port,
        method,
        path,
        ca: caller.ca,
        cert: caller.cert,
        key: caller.key,
        rejectUnauthorized: caller.insecure !== true,
        // A fresh connection per call: no pooled socket may keep a finished test process alive.
        agent: false,
        timeout: timeoutMs,
        headers: {
          Accept: 'application/json, */*',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(caller.token === undefined ? {} : { Authorization: `Bearer ${caller.token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${path} on port ${caller.port}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../errors/error-message.js';

/** A `host:port` bind address parsed: `:8080` is every interface, `0` disables the server. */
export function parseBindAddress(address: string): { host: string | undefined; port: number } | undefined {
  if (address === '0' || address === '') return undefined;
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new Error(`bind address "${address}" must be host:port, :port, or 0 to disable`);
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`bind address "${address}": bad port`);
  return { host: host === '' ? undefined : host, port };
}

/** A started HTTP server and the URL it answers on. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A request handler that may reject: the rejection is answered 500 with its message, never left hanging. */
export type AsyncRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The listener for `createServer` of node:http or node:https. */
export function answeringErrors(
  handler: AsyncRequestHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${errorMessage(err)}\n`);
    });
  };
}

/**
 * Binds `server` (HTTP or HTTPS) to `address`; resolves once bound (port 0 picks a free one) with the URL it answers
 * on — a wildcard bind is reported as 127.0.0.1 — and a close that also ends open keep-alive connections.
 */
export async function serve(
  server: Server,
  address: { readonly host: string | undefined; readonly port: number },
  scheme: 'http' | 'https',
): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `${scheme}://${host === '[::]' || host === '0.0.0.0' ? '127.0.0.1' : host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Listens on `address` with `handler` over plain HTTP; resolves once bound. */
export function listen(
  address: { readonly host: string | undefined; readonly port: number },
  handler: AsyncRequestHandler,
): Promise<RunningServer> {
  return serve(createServer(answeringErrors(handler)), address, 'http');
}

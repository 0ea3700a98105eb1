import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Checker } from './checker.js';
import { errorMessage } from '../internal/errors/error-message.js';

/** Named checks of one probe endpoint. */
export type Checks = ReadonlyMap<string, Checker>;

async function runChecks(checks: Checks): Promise<{ name: string; error?: string }[]> {
  return Promise.all(
    [...checks].map(async ([name, check]) => {
      try {
        await check();
        return { name };
      } catch (err: unknown) {
        return { name, error: errorMessage(err) };
      }
    }),
  );
}

/**
 * Serves `/healthz` and `/readyz` as Kubernetes components do: 200 `ok` when every check passes, 500 listing the
 * failing ones otherwise; `?verbose` lists every check; `/readyz/<name>` runs one check. Unknown paths get 404.
 */
export function probeHandler(endpoints: ReadonlyMap<string, Checks>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const [, endpoint = '', only] = url.pathname.split('/');
    const all = endpoints.get(`/${endpoint}`);
    const checks = all && only ? new Map([...all].filter(([name]) => name === only)) : all;
    if (!checks || (only && checks.size === 0)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const results = await runChecks(checks);
    const failed = results.filter((r) => r.error !== undefined);
    const verbose = url.searchParams.has('verbose') || failed.length > 0;
    const lines = verbose
      ? results.map((r) => (r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`))
      : [];
    const summary = failed.length === 0 ? `${endpoint} check passed` : `${endpoint} check failed`;
    const body = verbose ? `${[...lines, summary].join('\n')}\n` : 'ok';
    res.writeHead(failed.length === 0 ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  };
}

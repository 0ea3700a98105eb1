import { eventually as envtestEventually, type ControlPlane } from '@spoke/envtest';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import winston from 'winston';
import { newLogger } from '../../src/log/new-logger.js';

/** @spoke/envtest's `eventually` with this suite's positional defaults: 10 s, every 25 ms. */
export function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  return envtestEventually(check, { timeoutMs, intervalMs });
}

/** A silent logger for tests (expected errors would drown the report); `LOG_LEVEL=debug` shows everything. */
export const testLogger = () => {
  const level = process.env['LOG_LEVEL'];
  return level
    ? newLogger({ level })
    : newLogger({ transports: [new winston.transports.Console({ silent: true })] });
};

/** Sums a Prometheus counter or gauge over the series whose labels include all of `labels`. */
export function metricValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    const labelText = open >= 0 && close > open ? line.slice(open + 1, close) : '';
    const matches = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (matches)
      total += Number(
        line
          .slice((close >= 0 ? close : name.length) + 1)
          .trim()
          .split(' ')[0],
      );
  }
  return total;
}

/** kube-apiserver's own count of requests for `resource`, by verb (LIST, GET, WATCH...), and open watches. */
export async function apiServerRequests(
  env: ControlPlane,
  resource: string,
): Promise<{ verb: (verb: string) => number; openWatches: number }> {
  const text = await env.apiServerMetrics();
  return {
    verb: (verb) => metricValue(text, 'apiserver_request_total', { resource, verb }),
    openWatches: metricValue(text, 'apiserver_longrunning_requests', { resource, verb: 'WATCH' }),
  };
}

/** Creates a namespace for one test. */
export async function createNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

import { restClientRequests } from '../../src/metrics/rest-client-metrics.js';

/** Sums the samples of a Prometheus metric (counter or gauge) whose labels include all of `labels`. */
export function metricSum(metrics: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** API server requests for `resource` by verb (LIST, WATCH, GET, CREATE...): `apiserver_request_total`. */
export function apiServerRequests(metrics: string, resource: string, verb: string): number {
  return metricSum(metrics, 'apiserver_request_total', { resource, verb });
}

/** Watches open right now at the API server for `resource`: `apiserver_longrunning_requests`. */
export function openWatches(metrics: string, resource: string): number {
  return metricSum(metrics, 'apiserver_longrunning_requests', { resource, verb: 'WATCH' });
}

/** Our side: every request Spoke sent, `rest_client_requests_total`, optionally of one HTTP method. */
export async function restClientRequestCount(method?: string): Promise<number> {
  const metric = await restClientRequests.get();
  return metric.values
    .filter((v) => method === undefined || v.labels.method === method)
    .reduce((sum, v) => sum + v.value, 0);
}

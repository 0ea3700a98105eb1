import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { HttpsResponse } from './https-request.js';
import { waitFor } from '../wait-for.js';

/** Sends a request to the kube-apiserver as the admin. */
export type AdminRequest = (method: string, path: string, body?: unknown) => Promise<HttpsResponse>;

/** The parts of a CustomResourceDefinition that installing it needs. */
export interface CustomResourceDefinition {
  apiVersion: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string; resourceVersion?: string };
  spec: { group: string; names: { plural: string }; versions: { name: string; served: boolean }[] };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

const crdsPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/**
 * Creates (or replaces) every CustomResourceDefinition found in `paths` (files, or folders whose .yaml/.yml/.json
 * files are read, not recursively; multi-document YAML; other kinds are skipped) and waits until each is
 * Established and its resource is listed by discovery, so a client can use it at once. Returns the CRD names.
 */
export async function installCRDs(
  request: AdminRequest,
  paths: readonly string[],
  timeoutMs: number,
  transform: (crd: CustomResourceDefinition) => CustomResourceDefinition = (crd) => crd,
): Promise<string[]> {
  const crds = paths.flatMap((path) => readCRDs(resolve(path))).map(transform);
  await Promise.all(crds.map((crd) => apply(request, crd)));
  await Promise.all(crds.map((crd) => waitUntilServed(request, crd, timeoutMs)));
  return crds.map((crd) => crd.metadata.name);
}

function readCRDs(path: string): CustomResourceDefinition[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => manifestExtensions.has(extname(name)))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch (error: unknown) {
    throw new Error(`envtest: cannot read CRDs from ${path}: ${(error as Error).message}`, { cause: error });
  }
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`envtest: invalid YAML in ${file}: ${doc.errors[0]?.message ?? ''}`);
      const value: unknown = doc.toJS();
      return isCRD(value) ? [value] : [];
    }),
  );
}

function isCRD(value: unknown): value is CustomResourceDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'CustomResourceDefinition' &&
    typeof (value as { metadata?: { name?: unknown } }).metadata?.name === 'string'
  );
}

async function apply(request: AdminRequest, crd: CustomResourceDefinition): Promise<void> {
  const name = crd.metadata.name;
  const created = await request('POST', crdsPath, crd);
  if (created.status === 201) return;
  if (created.status !== 409)
    throw new Error(`envtest: create CRD ${name}: ${created.status} ${created.body}`);
  // Already there (an earlier installCRDs): replace it, as `kubectl apply` would converge it.
  const existing = await request('GET', `${crdsPath}/${name}`);
  if (existing.status !== 200)
    throw new Error(`envtest: get CRD ${name}: ${existing.status} ${existing.body}`);
  const { metadata } = JSON.parse(existing.body) as CustomResourceDefinition;
  const replaced = await request('PUT', `${crdsPath}/${name}`, {
    ...crd,
    metadata: { ...crd.metadata, resourceVersion: metadata.resourceVersion },
  });
  if (replaced.status !== 200)
    throw new Error(`envtest: replace CRD ${name}: ${replaced.status} ${replaced.body}`);
}

async function waitUntilServed(
  request: AdminRequest,
  crd: CustomResourceDefinition,
  timeoutMs: number,
): Promise<void> {
  const name = crd.metadata.name;
  await waitFor(
    async () => {
      const res = await request('GET', `${crdsPath}/${name}`);
      if (res.status !== 200) throw new Error(`${res.status} ${res.body}`);
      const conditions = (JSON.parse(res.body) as CustomResourceDefinition).status?.conditions ?? [];
      const established = conditions.find((c) => c.type === 'Established');
      if (established?.status !== 'True') {
        const problem = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
        if (problem !== undefined) throw new Error(`names not accepted: ${problem.message ?? ''}`);
        return undefined;
      }
      return true;
    },
    { description: `CRD ${name} to be Established`, timeoutMs, intervalMs: 50 },
  );
  // Established is set before the discovery documents catch up; clients that discover first would see a 404.
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const path = `/apis/${crd.spec.group}/${version.name}`;
    await waitFor(
      async () => {
        const res = await request('GET', path);
        if (res.status !== 200) return undefined;
        const list = JSON.parse(res.body) as { resources?: { name: string }[] };
        return list.resources?.some((r) => r.name === crd.spec.names.plural) === true ? true : undefined;
      },
      { description: `${crd.spec.names.plural} in discovery at ${path}`, timeoutMs, intervalMs: 50 },
    );
  }
}

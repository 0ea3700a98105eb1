import { fileURLToPath } from 'node:url';

/** The repository root: tests run from `packages/manifests/dist/test/<tier>/`, five levels below it. */
export const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The module `make manifests` reads (the Makefile's MANIFESTS_MODULE), relative to the root. */
export const manifestsModule = 'examples/memcached-operator/dist/src/manifest-sources.js';

import { fileURLToPath } from 'node:url';

/** packages/envtest/test/testdata, found from the compiled test (dist/test/<tier>/...). */
export const testdataDir = fileURLToPath(new URL('../../../test/testdata/', import.meta.url));

/** The test CRD's coordinates. */
export const widgets = { group: 'envtest.spoke.dev', version: 'v1', plural: 'widgets' } as const;

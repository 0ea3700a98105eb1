/**
 * The third-party versions a scaffolded project starts with: those the Spoke packages are built and tested with
 * (a unit test checks them against this repository's installed versions). `^` ranges, except TypeScript, whose
 * minor releases may break a build (`~`).
 */
export const scaffoldDependencyVersions = {
  '@kubernetes/client-node': '^2.0.1',
  '@sinclair/typebox': '^0.34.41',
  '@types/node': '^24.10.1',
  prettier: '^3.6.2',
  typescript: '~6.0.3',
} as const;

/** The oldest Node the packages run on: `@kubernetes/client-node` 2.x needs 22.19. */
export const nodeEngine = '>=22.19';

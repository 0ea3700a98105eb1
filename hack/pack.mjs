// `make pack`: the tarballs `npm publish` would upload, one per package in packages/, into the given directory.
//   node hack/pack.mjs <dir>      # prints the tarballs' paths, one a line
// Before packing, removes compiled files whose source is gone (tsc -b never deletes them): a file moved or
// deleted in src/ must not live on in a published dist/.
import { execFileSync } from 'node:child_process';
import { existsSync, globSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const destination = resolve(process.argv[2] ?? 'dist/packages');
const packages = globSync('packages/*/package.json')
  .map((file) => file.slice(0, -'/package.json'.length))
  .sort();

for (const dir of packages) {
  for (const output of globSync(`${dir}/dist/src/**/*.{js,js.map,d.ts,d.ts.map}`)) {
    const source = output
      .replace(`${dir}/dist/src/`, `${dir}/src/`)
      .replace(/(\.d)?\.(js|ts)(\.map)?$/, '.ts');
    if (!existsSync(source)) rmSync(output);
  }
}
const versions = new Set(
  packages.map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version),
);
if (versions.size !== 1) {
  console.error(`pack: the packages must share one version, found ${[...versions].join(', ')}`);
  process.exit(1);
}
mkdirSync(destination, { recursive: true });
const packed = JSON.parse(
  execFileSync(
    'npm',
    ['pack', '--json', ...packages.flatMap((dir) => ['--workspace', dir]), '--pack-destination', destination],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  ),
);
for (const { filename } of packed) console.log(join(destination, filename));

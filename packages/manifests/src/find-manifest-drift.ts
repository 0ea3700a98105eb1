import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GeneratedFile } from './generate-manifests.js';
import { generatedHeader } from './yaml/to-manifest-yaml.js';

/** A generated file that the tree does not hold as generated. */
export interface ManifestDrift {
  readonly path: string;
  /** `missing`: not in the tree; `differs`: other content; `stale`: a generated file no source produces any more. */
  readonly problem: 'missing' | 'differs' | 'stale';
}

/**
 * Compares generated files with the tree under `root`: each must exist with exactly the generated content, and no
 * other generated file (one starting with the generator's header) may remain beside them — a CRD left behind by a
 * renamed resource would still be installed by kustomize.
 *
 * @param alsoScan - more directories where a generated file may be left over although none is generated there now
 *   (config/webhook once the last webhook is gone)
 */
export function findManifestDrift(
  files: readonly GeneratedFile[],
  root: string,
  alsoScan: readonly string[] = [],
): ManifestDrift[] {
  const drift: ManifestDrift[] = [];
  const expected = new Set(files.map((file) => file.path));
  for (const file of files) {
    const onDisk = resolve(root, file.path);
    if (!existsSync(onDisk)) drift.push({ path: file.path, problem: 'missing' });
    else if (readFileSync(onDisk, 'utf8') !== file.content)
      drift.push({ path: file.path, problem: 'differs' });
  }
  for (const dir of new Set([...files.map((file) => dirname(file.path)), ...alsoScan])) {
    if (!existsSync(resolve(root, dir))) continue;
    for (const name of readdirSync(resolve(root, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (!name.endsWith('.yaml') || expected.has(path)) continue;
      if (readFileSync(resolve(root, path), 'utf8').startsWith(generatedHeader))
        drift.push({ path, problem: 'stale' });
    }
  }
  return drift;
}

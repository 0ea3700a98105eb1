#!/usr/bin/env node
// spoke-manifests: writes the CRDs and the manager's ClusterRole generated from an operator's code.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { parseArgs } from 'node:util';
import { findManifestDrift } from './find-manifest-drift.js';
import { generateManifests } from './generate-manifests.js';
import { loadManifestSources } from './load-manifest-sources.js';

const usage = `Usage: spoke-manifests --module <compiled module> [options]

Generates structural CRDs, the manager's ClusterRole and the webhook configurations from a module
that exports \`customResources\` (custom resource descriptions), \`controllers\` (@Controller
classes) and, optionally, \`webhooks\` (webhookFor(...) declarations).

Options:
  --module <path>       the compiled module (a .js file or a package specifier)          (required)
  --crd-dir <dir>       where CRDs are written, one <group>_<plural>.yaml each  (default config/crd/bases)
  --rbac-role <file>    where the ClusterRole is written                 (default config/rbac/role.yaml)
  --role-name <name>    the ClusterRole's name                                  (default manager-role)
  --webhook-manifests <file>  where the webhook configurations are written
                                                        (default config/webhook/manifests.yaml)
  --check               write nothing; exit 1 if the files on disk differ from the generated ones
  --help                show this text
`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      module: { type: 'string' },
      'crd-dir': { type: 'string', default: 'config/crd/bases' },
      'rbac-role': { type: 'string', default: 'config/rbac/role.yaml' },
      'role-name': { type: 'string', default: 'manager-role' },
      'webhook-manifests': { type: 'string', default: 'config/webhook/manifests.yaml' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.module) {
    process.stderr.write(`spoke-manifests: --module is required\n\n${usage}`);
    return 2;
  }
  const sources = await loadManifestSources(values.module);
  const files = generateManifests(sources, {
    crdDir: values['crd-dir'],
    rbacRole: values['rbac-role'],
    roleName: values['role-name'],
    webhookManifests: values['webhook-manifests'],
  });
  // Scanned even when no webhook is declared, so that the last one removed takes its configuration with it.
  const drift = findManifestDrift(files, '.', [posix.dirname(values['webhook-manifests'])]);
  if (values.check) {
    for (const { path, problem } of drift) process.stderr.write(`spoke-manifests: ${path}: ${problem}\n`);
    if (drift.length > 0)
      process.stderr.write('spoke-manifests: run `make manifests` and commit the result\n');
    return drift.length > 0 ? 1 : 0;
  }
  for (const file of files) {
    if (readIfExists(file.path) === file.content) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content);
    process.stdout.write(`wrote ${file.path}\n`);
  }
  // A generated CRD whose resource is gone would otherwise still be installed by kustomize.
  for (const { path } of drift.filter((d) => d.problem === 'stale')) {
    rmSync(path);
    process.stdout.write(`removed ${path} (no longer generated)\n`);
  }
  return 0;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`spoke-manifests: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

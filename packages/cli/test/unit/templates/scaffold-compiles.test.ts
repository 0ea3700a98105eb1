import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptyProjectDir, runSpoke } from '../../support/run-spoke.js';

/** This repository's node_modules: the workspace's @spoke packages (built by `tsc -b`) and their dependencies. */
const repoModules = fileURLToPath(new URL('../../../../../../node_modules/', import.meta.url));

async function ok(dir: string, args: string[]): Promise<void> {
  const run = await runSpoke(dir, args);
  assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
}

const webhook = (group: string, version: string, kind: string, ...flags: string[]): string[] => [
  'create',
  'webhook',
  '--group',
  group,
  '--version',
  version,
  '--kind',
  kind,
  ...flags,
];

describe('the scaffolded code', () => {
  it('type-checks against the packages, for every kind of webhook and scope', async () => {
    assert.ok(existsSync(join(repoModules, '@spoke/manager')), `no @spoke/manager in ${repoModules}`);
    const dir = emptyProjectDir('fleet');
    await ok(dir, ['init', '--domain', 'example.com']);
    const api = (group: string, version: string, kind: string, ...flags: string[]): string[] => [
      'create',
      'api',
      '--group',
      group,
      '--version',
      version,
      '--kind',
      kind,
      ...flags,
    ];
    await ok(dir, api('ship', 'v1', 'Frigate'));
    await ok(dir, api('ship', 'v1', 'Sailor'));
    await ok(dir, api('ship', 'v1', 'Harbor'));
    await ok(dir, api('ship', 'v2', 'Harbor', '--controller=false'));
    await ok(dir, api('infra', 'v1alpha1', 'Dock', '--namespaced=false'));
    await ok(dir, api('infra', 'v1', 'Dock', '--controller=false'));
    await ok(dir, api('infra', 'v2beta1', 'Dock', '--controller=false'));
    await ok(dir, webhook('ship', 'v1', 'Frigate', '--defaulting'));
    await ok(dir, webhook('ship', 'v1', 'Sailor', '--programmatic-validation'));
    await ok(dir, webhook('ship', 'v1', 'Harbor', '--conversion', '--spoke', 'v2'));
    await ok(
      dir,
      webhook(
        'infra',
        'v1',
        'Dock',
        '--defaulting',
        '--programmatic-validation',
        '--conversion',
        '--spoke',
        'v1alpha1,v2beta1',
      ),
    );
    symlinkSync(repoModules, join(dir, 'node_modules'), 'dir');
    const tsc = spawnSync(
      process.execPath,
      [join(repoModules, 'typescript/bin/tsc'), '-p', '.', '--noEmit'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    assert.equal(tsc.status, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
  });
});

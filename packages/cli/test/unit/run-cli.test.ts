import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runSpoke } from '../support/run-spoke.js';

const cwd = mkdtempSync(join(tmpdir(), 'spoke-cli-help-'));

describe('the spoke command line', () => {
  it('prints the help of every verb and group with --help, -h or help, exit 0', async () => {
    const verbs = [['init'], ['create', 'api'], ['create', 'webhook'], ['envtest', 'use']];
    for (const verb of verbs) {
      for (const args of [
        [...verb, '--help'],
        [...verb, '-h'],
        ['help', ...verb],
      ]) {
        const run = await runSpoke(cwd, args);
        assert.equal(run.code, 0, args.join(' '));
        assert.match(run.stdout, new RegExp(`\nUsage:\n {2}spoke ${verb.join(' ')} `), args.join(' '));
        assert.match(run.stdout, /\nFlags:\n(.*\n)* {2}-h, --help +show this help\n/);
        assert.equal(run.stderr, '');
      }
    }
    for (const args of [[], ['--help'], ['create'], ['envtest', '--help']]) {
      const run = await runSpoke(cwd, args);
      assert.equal(run.code, 0, args.join(' '));
      assert.match(run.stdout, /\nCommands:\n/, args.join(' '));
    }
    const top = (await runSpoke(cwd, [])).stdout;
    assert.match(top, /\n {2}init +Initialize a new project\n/);
    assert.match(top, /\n {2}create +Scaffold a Kubernetes API or its webhooks\n/);
    assert.match(top, /\n {2}envtest +Manage the control-plane binaries of tests\n/);
    const create = (await runSpoke(cwd, ['create'])).stdout;
    assert.match(create, /\n {2}api +Scaffold a Kubernetes API/);
    assert.match(create, /\n {2}webhook +Scaffold the defaulting, validating and conversion webhooks/);
  });

  it('prints the defaults of flags in the usage', async () => {
    const { stdout } = await runSpoke(cwd, ['create', 'api', '--help']);
    assert.match(stdout, / {6}--controller +scaffold the controller and its test \(default true\)\n/);
    assert.match(stdout, / {6}--group group +the API group/);
  });

  it('names an unknown command or flag in one line, then prints the usage, exit 2', async () => {
    const unknownCommand = await runSpoke(cwd, ['frobnicate']);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /^spoke: unknown command "frobnicate"\nUsage:\n {2}spoke <command>/);
    const unknownSub = await runSpoke(cwd, ['create', 'frigate']);
    assert.equal(unknownSub.code, 2);
    assert.match(unknownSub.stderr, /^spoke create: unknown command "frigate"\n/);
    const unknownFlag = await runSpoke(cwd, ['create', 'api', '--bogus']);
    assert.equal(unknownFlag.code, 2);
    assert.match(
      unknownFlag.stderr,
      /^spoke create api: unknown flag: --bogus\nUsage:\n {2}spoke create api --group GROUP/,
    );
    assert.equal(unknownFlag.stdout, '');
  });

  it('prints its version', async () => {
    assert.deepEqual(await runSpoke(cwd, ['version']), { code: 0, stdout: 'spoke 0.1.0\n', stderr: '' });
    assert.equal((await runSpoke(cwd, ['--version'])).stdout, 'spoke 0.1.0\n');
  });
});

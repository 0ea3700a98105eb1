import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlagSpec } from '../../../src/cli/command.js';
import { parseFlags } from '../../../src/cli/parse-flags.js';
import { UsageError } from '../../../src/cli/usage-error.js';

const specs: FlagSpec[] = [
  { name: 'group', type: 'string', description: '' },
  { name: 'controller', type: 'boolean', description: '', default: true },
  { name: 'print', short: 'p', type: 'string', description: '', default: 'path' },
  { name: 'installed-only', short: 'i', type: 'boolean', description: '' },
  { name: 'spoke', type: 'strings', description: '' },
];

describe('parsing flags as cobra and pflag do', () => {
  it('takes --name value, --name=value, -p value, -pvalue and -p=value', () => {
    assert.equal(parseFlags(specs, ['--group', 'ship']).flags.string('group'), 'ship');
    assert.equal(parseFlags(specs, ['--group=ship']).flags.string('group'), 'ship');
    assert.equal(parseFlags(specs, ['--group=']).flags.string('group'), '');
    for (const args of [['-p', 'env'], ['-penv'], ['-p=env']]) {
      assert.equal(parseFlags(specs, args).flags.string('print'), 'env', args.join(' '));
    }
  });

  it('reads booleans as Go spells them, and tells given from default', () => {
    const parse = (args: string[]): boolean => parseFlags(specs, args).flags.boolean('controller');
    assert.equal(parse([]), true);
    assert.equal(parseFlags(specs, []).flags.given('controller'), false);
    for (const word of ['false', 'FALSE', 'False', 'f', 'F', '0'])
      assert.equal(parse([`--controller=${word}`]), false);
    for (const word of ['true', 'TRUE', 'True', 't', 'T', '1'])
      assert.equal(parse([`--controller=${word}`]), true);
    assert.equal(parseFlags(specs, ['-i']).flags.boolean('installed-only'), true);
    assert.equal(parseFlags(specs, ['--controller=false']).flags.given('controller'), true);
  });

  it('collects a strings flag: repeated, comma-separated, or both (pflag StringSlice)', () => {
    const parse = (args: string[]): readonly string[] => parseFlags(specs, args).flags.strings('spoke');
    assert.deepEqual(parse([]), []);
    assert.equal(parseFlags(specs, []).flags.given('spoke'), false);
    assert.deepEqual(parse(['--spoke', 'v2']), ['v2']);
    assert.deepEqual(parse(['--spoke', 'v2', '--spoke=v3']), ['v2', 'v3']);
    assert.deepEqual(parse(['--spoke', 'v2,v3', '--spoke', 'v4']), ['v2', 'v3', 'v4']);
    assert.equal(parseFlags(specs, ['--spoke', 'v2']).flags.given('spoke'), true);
    assert.throws(() => parse(['--spoke']), new UsageError('flag needs an argument: --spoke'));
  });

  it('lets the last of repeated flags win, and keeps positionals, also after --', () => {
    const { flags, positionals } = parseFlags(specs, [
      'a',
      '--group',
      'x',
      '--group=y',
      'b',
      '--',
      '--group',
      'c',
    ]);
    assert.equal(flags.string('group'), 'y');
    assert.deepEqual(positionals, ['a', 'b', '--group', 'c']);
  });

  it('names the flag of an unknown flag, a missing value or a bad boolean', () => {
    const problem = (args: string[]): string => {
      try {
        parseFlags(specs, args);
      } catch (error: unknown) {
        assert.ok(error instanceof UsageError);
        return error.message;
      }
      return assert.fail(`${args.join(' ')} parsed`);
    };
    assert.equal(problem(['--bogus']), 'unknown flag: --bogus');
    assert.equal(problem(['--bogus=1']), 'unknown flag: --bogus');
    assert.equal(problem(['-x']), "unknown shorthand flag: 'x' in -x");
    assert.equal(problem(['--group']), 'flag needs an argument: --group');
    assert.equal(
      problem(['--controller=maybe']),
      'invalid value "maybe" for flag --controller: want true or false',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolFlag, intFlag, stringFlag, valueFlag } from '../../../src/flags/flag-definition.js';
import { parseGoFlags } from '../../../src/flags/parse-go-flags.js';

const definitions = {
  'leader-elect': boolFlag(false, ''),
  'metrics-secure': boolFlag(true, ''),
  'metrics-bind-address': stringFlag('0', ''),
  'webhook-port': intFlag(9443, ''),
  level: valueFlag<number | undefined>({
    usage: '',
    default: undefined,
    parse: (text) => {
      if (text !== 'debug') throw new Error(`invalid log level "${text}"`);
      return -1;
    },
  }),
};

function flags(argv: readonly string[]) {
  const result = parseGoFlags(definitions, argv);
  if (result.kind !== 'flags') assert.fail(`expected flags, got ${JSON.stringify(result)}`);
  return result;
}

function error(argv: readonly string[]): string {
  const result = parseGoFlags(definitions, argv);
  if (result.kind !== 'error') assert.fail(`expected an error, got ${JSON.stringify(result)}`);
  return result.message;
}

describe('parseGoFlags (Go flag package semantics)', () => {
  it('gives every default when nothing is given', () => {
    const result = flags([]);
    assert.deepEqual(result.values, {
      'leader-elect': false,
      'metrics-secure': true,
      'metrics-bind-address': '0',
      'webhook-port': 9443,
      level: undefined,
    });
    assert.deepEqual([...result.given], []);
    assert.deepEqual(result.args, []);
  });

  it('reads one dash and two alike, values attached with = or as the next argument', () => {
    for (const argv of [
      ['-metrics-bind-address=:8443'],
      ['--metrics-bind-address=:8443'],
      ['-metrics-bind-address', ':8443'],
      ['--metrics-bind-address', ':8443'],
    ])
      assert.equal(flags(argv).values['metrics-bind-address'], ':8443', argv.join(' '));
  });

  it('keeps everything after the first = in the value, and takes an empty value', () => {
    assert.equal(flags(['--metrics-bind-address=a=b']).values['metrics-bind-address'], 'a=b');
    assert.equal(flags(['--metrics-bind-address=']).values['metrics-bind-address'], '');
  });

  it('takes the next argument as the value even when it looks like a flag', () => {
    const result = flags(['--metrics-bind-address', '--leader-elect']);
    assert.equal(result.values['metrics-bind-address'], '--leader-elect');
    assert.equal(result.values['leader-elect'], false);
  });

  it('sets a boolean alone to true and accepts every strconv.ParseBool spelling after =', () => {
    assert.equal(flags(['-leader-elect']).values['leader-elect'], true);
    assert.equal(flags(['--leader-elect']).values['leader-elect'], true);
    for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      assert.equal(flags([`--metrics-secure=${text}`]).values['metrics-secure'], true, text);
    for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False'])
      assert.equal(flags([`--metrics-secure=${text}`]).values['metrics-secure'], false, text);
  });

  it('never takes the next argument for a boolean: `-leader-elect false` is true, and stops at `false`', () => {
    const result = flags(['--leader-elect', 'false', '--metrics-secure=false']);
    assert.equal(result.values['leader-elect'], true);
    assert.equal(result.values['metrics-secure'], true);
    assert.deepEqual(result.args, ['false', '--metrics-secure=false']);
  });

  it('stops at the first non-flag argument, at `-` alone, and after `--`', () => {
    assert.deepEqual(flags(['a', '-leader-elect']).args, ['a', '-leader-elect']);
    assert.equal(flags(['a', '-leader-elect']).values['leader-elect'], false);
    assert.deepEqual(flags(['-', '--bogus']).args, ['-', '--bogus']);
    assert.deepEqual(flags(['--leader-elect', '--', '--bogus']).args, ['--bogus']);
    assert.deepEqual(flags(['--']).args, []);
  });

  it('keeps the last value of a flag given twice, and records which flags were given', () => {
    const result = flags(['--metrics-bind-address=:1', '--leader-elect', '--metrics-bind-address=:2']);
    assert.equal(result.values['metrics-bind-address'], ':2');
    assert.deepEqual([...result.given].sort(), ['leader-elect', 'metrics-bind-address']);
  });

  it('parses integers as Go does', () => {
    assert.equal(flags(['--webhook-port=0x24c3']).values['webhook-port'], 9411);
    assert.equal(flags(['--webhook-port', '017']).values['webhook-port'], 15);
  });

  it('asks for help on -h, -help, --help and --help=anything, unless defined', () => {
    for (const arg of ['-h', '-help', '--help', '--h', '-help=false', '--h=1'])
      assert.deepEqual(parseGoFlags(definitions, [arg]), { kind: 'help' }, arg);
    const withH = { h: boolFlag(false, '') };
    assert.equal(parseGoFlags(withH, ['-h']).kind, 'flags');
  });

  it('reports the first problem only, in order', () => {
    assert.deepEqual(parseGoFlags(definitions, ['-h', '--bogus']), { kind: 'help' });
    assert.equal(error(['--bogus', '-h']), 'flag provided but not defined: -bogus');
  });

  it('names an unknown flag with one dash, whatever it was given with', () => {
    assert.equal(error(['--bogus']), 'flag provided but not defined: -bogus');
    assert.equal(error(['-bogus=1']), 'flag provided but not defined: -bogus');
    assert.equal(error(['--log-level=debug']), 'flag provided but not defined: -log-level');
  });

  it('refuses bad syntax: three dashes, or a name starting with =', () => {
    assert.equal(error(['---x']), 'bad flag syntax: ---x');
    assert.equal(error(['-=x']), 'bad flag syntax: -=x');
    assert.equal(error(['--=x']), 'bad flag syntax: --=x');
  });

  it('needs a value for a non-boolean at the end', () => {
    assert.equal(error(['--metrics-bind-address']), 'flag needs an argument: -metrics-bind-address');
    assert.equal(error(['--level']), 'flag needs an argument: -level');
  });

  it('reports a bad value with the value quoted and the reason, in Go’s words', () => {
    assert.equal(error(['--leader-elect=yes']), 'invalid boolean value "yes" for -leader-elect: parse error');
    assert.equal(error(['--leader-elect=']), 'invalid boolean value "" for -leader-elect: parse error');
    assert.equal(error(['--webhook-port=abc']), 'invalid value "abc" for flag -webhook-port: parse error');
    assert.equal(
      error(['--webhook-port=9223372036854775808']),
      'invalid value "9223372036854775808" for flag -webhook-port: value out of range',
    );
    assert.equal(error(['--level=foo']), 'invalid value "foo" for flag -level: invalid log level "foo"');
    assert.equal(
      error(['--level', 'a"\n']),
      'invalid value "a\\"\\n" for flag -level: invalid log level "a"\n"',
    );
  });

  it('does not take a name from Object.prototype for a flag', () => {
    assert.equal(error(['--constructor']), 'flag provided but not defined: -constructor');
    assert.equal(error(['--toString=x']), 'flag provided but not defined: -toString');
  });
});

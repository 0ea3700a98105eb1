import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boolFlag,
  goQuote,
  intFlag,
  parseGoBool,
  parseGoInt,
  stringFlag,
  valueFlag,
} from '../../../src/flags/flag-definition.js';

describe('parseGoBool (strconv.ParseBool)', () => {
  it('accepts exactly 1 t T TRUE true True and 0 f F FALSE false False', () => {
    for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(text), true, text);
    for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False'])
      assert.equal(parseGoBool(text), false, text);
  });

  it('rejects every other spelling, mixed case and whitespace included', () => {
    for (const text of [
      '',
      'tRuE',
      'fALSE',
      'yes',
      'no',
      'on',
      'off',
      'y',
      'n',
      '2',
      '-1',
      ' true',
      'true ',
      '01',
    ])
      assert.equal(parseGoBool(text), undefined, JSON.stringify(text));
  });
});

describe('parseGoInt (strconv.ParseInt(s, 0, 64))', () => {
  it('reads decimal, hex, octal and binary with an optional sign', () => {
    const cases: [string, number][] = [
      ['9443', 9443],
      ['0', 0],
      ['-5', -5],
      ['+5', 5],
      ['0x24c3', 0x24c3],
      ['0X24C3', 0x24c3],
      ['0o17', 0o17],
      ['0O17', 0o17],
      ['017', 0o17],
      ['0b101', 5],
      ['0B101', 5],
      ['-0x10', -16],
    ];
    for (const [text, value] of cases) assert.equal(parseGoInt(text), value, text);
  });

  it('allows an underscore between digits or after a base prefix, and nowhere else', () => {
    for (const [text, value] of [
      ['1_000', 1000],
      ['0x_1f', 0x1f],
      ['0_7', 7],
      ['0b1_0', 2],
    ] as const)
      assert.equal(parseGoInt(text), value, text);
    for (const text of ['_1', '1_', '1__0', '0x1_', '0_', '_'])
      assert.throws(() => parseGoInt(text), { message: 'parse error' }, text);
  });

  it('says "parse error" for anything else, as Go flag does', () => {
    for (const text of ['', '+', '-', 'abc', '0x', '0b', '08', '0b2', '0o8', '1.5', ' 1', '1 ', '1e3', '0xg'])
      assert.throws(() => parseGoInt(text), { message: 'parse error' }, JSON.stringify(text));
  });

  it('says "value out of range" beyond 64 bits', () => {
    assert.throws(() => parseGoInt('9223372036854775808'), { message: 'value out of range' });
    assert.throws(() => parseGoInt('-9223372036854775809'), { message: 'value out of range' });
    assert.throws(() => parseGoInt('0x10000000000000000'), { message: 'value out of range' });
    assert.equal(parseGoInt('-9223372036854775808'), -(2 ** 63));
  });
});

describe('goQuote (%q)', () => {
  it('quotes, escaping quotes, backslashes and control characters, keeping printable Unicode', () => {
    assert.equal(goQuote(''), '""');
    assert.equal(goQuote(':8081'), '":8081"');
    assert.equal(goQuote('é"\\\n\t\x01\x7f'), '"é\\"\\\\\\n\\t\\x01\\x7f"');
  });
});

describe('flag definitions', () => {
  it('show a default in the usage only when it is not the zero value, strings quoted', () => {
    assert.equal(boolFlag(false, '').defaultText, undefined);
    assert.equal(boolFlag(true, '').defaultText, 'true');
    assert.equal(stringFlag('', '').defaultText, undefined);
    assert.equal(stringFlag(':8081', '').defaultText, '":8081"');
    assert.equal(intFlag(0, '').defaultText, undefined);
    assert.equal(intFlag(9443, '').defaultText, '9443');
    assert.equal(valueFlag({ usage: '', default: 1, parse: Number, defaultText: '' }).defaultText, undefined);
    assert.equal(valueFlag({ usage: '', default: 1, parse: Number, defaultText: '1s' }).defaultText, '1s');
  });

  it('parse their text or throw the reason Go gives', () => {
    assert.equal(boolFlag(false, '').parse('T'), true);
    assert.throws(() => boolFlag(false, '').parse('yes'), { message: 'parse error' });
    assert.equal(stringFlag('', '').parse(''), '');
    assert.equal(intFlag(0, '').parse('0x10'), 16);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolFlag, intFlag, stringFlag, valueFlag } from '../../../src/flags/flag-definition.js';
import { goFlagUsage } from '../../../src/flags/go-flag-usage.js';

describe('goFlagUsage (Go PrintDefaults)', () => {
  it('lists the flags sorted by name, typed, help on the next line, non-zero defaults shown', () => {
    const usage = goFlagUsage('/manager', {
      'metrics-secure': boolFlag(true, 'Serve securely.'),
      'leader-elect': boolFlag(false, 'Elect a leader.'),
      'health-probe-bind-address': stringFlag(':8081', 'Probes.'),
      kubeconfig: stringFlag('', 'A kubeconfig.'),
      'webhook-port': intFlag(9443, 'Port.'),
      'zap-encoder': valueFlag<string | undefined>({
        usage: 'Encoding.',
        default: undefined,
        parse: (t) => t,
      }),
      Zeta: boolFlag(false, 'Upper case sorts first, as Go compares bytes.'),
    });
    assert.equal(
      usage,
      [
        'Usage of /manager:',
        '  -Zeta',
        '    \tUpper case sorts first, as Go compares bytes.',
        '  -health-probe-bind-address string',
        '    \tProbes. (default ":8081")',
        '  -kubeconfig string',
        '    \tA kubeconfig.',
        '  -leader-elect',
        '    \tElect a leader.',
        '  -metrics-secure',
        '    \tServe securely. (default true)',
        '  -webhook-port int',
        '    \tPort. (default 9443)',
        '  -zap-encoder value',
        '    \tEncoding.',
        '',
      ].join('\n'),
    );
  });

  it('keeps a one-letter boolean on one line, names a value from back quotes, and indents more lines', () => {
    const usage = goFlagUsage('m', {
      v: boolFlag(false, 'Verbose.'),
      n: intFlag(3, 'How many `count` of them.'),
      x: stringFlag('a"b', 'First line\nsecond line'),
    });
    assert.equal(
      usage,
      [
        'Usage of m:',
        '  -n count',
        '    \tHow many count of them. (default 3)',
        '  -v\tVerbose.',
        '  -x string',
        '    \tFirst line',
        '    \tsecond line (default "a\\"b")',
        '',
      ].join('\n'),
    );
  });
});

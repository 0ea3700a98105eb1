import type { FlagSpec, ParsedFlags } from './command.js';
import { UsageError } from './usage-error.js';

/** What a command line holds after parsing: flags by name, and the rest in order. */
export interface ParsedCommandLine {
  readonly flags: ParsedFlags;
  readonly positionals: readonly string[];
}

// strconv.ParseBool's spellings, which pflag (and so kubebuilder) accepts for `--flag=value`.
const trueWords = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/**
 * Parses `args` as cobra/pflag does: `--name value`, `--name=value`, `-n value`, `-nvalue`; a boolean as `--name`
 * or `--name=false` (any of Go's spellings: 1/0, t/f, true/false); the last of repeated flags wins, except a
 * `strings` flag, which collects them all (and splits each at commas, as pflag's StringSlice); `--` ends the
 * flags. Throws a {@link UsageError} naming the flag for an unknown flag, a missing value or a bad boolean.
 */
export function parseFlags(specs: readonly FlagSpec[], args: readonly string[]): ParsedCommandLine {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(
    specs.flatMap((spec) => (spec.short === undefined ? [] : [[spec.short, spec] as const])),
  );
  const values = new Map<string, string | boolean>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];

  const set = (
    spec: FlagSpec,
    shown: string,
    value: string | undefined,
    next: () => string | undefined,
  ): void => {
    if (spec.type === 'boolean') {
      if (value === undefined) values.set(spec.name, true);
      else if (trueWords.has(value)) values.set(spec.name, true);
      else if (falseWords.has(value)) values.set(spec.name, false);
      else throw new UsageError(`invalid value "${value}" for flag ${shown}: want true or false`);
      return;
    }
    const given = value ?? next();
    if (given === undefined) throw new UsageError(`flag needs an argument: ${shown}`);
    if (spec.type === 'strings') {
      const list = lists.get(spec.name) ?? [];
      list.push(...given.split(',').filter((item) => item !== ''));
      lists.set(spec.name, list);
      values.set(spec.name, given);
      return;
    }
    values.set(spec.name, given);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = (): string | undefined => (i + 1 < args.length ? args[++i] : undefined);
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byName.get(name);
      if (spec === undefined) throw new UsageError(`unknown flag: --${name}`);
      set(spec, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), next);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg.slice(1, 2);
      const spec = byShort.get(letter);
      if (spec === undefined) throw new UsageError(`unknown shorthand flag: '${letter}' in ${arg}`);
      const rest = arg.slice(2);
      const inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
      set(spec, `-${letter}`, inline, next);
    } else {
      positionals.push(arg);
    }
  }

  const flags: ParsedFlags = {
    string: (name) => {
      const value = values.get(name) ?? byName.get(name)?.default;
      return typeof value === 'string' ? value : undefined;
    },
    boolean: (name) => {
      const value = values.get(name) ?? byName.get(name)?.default;
      return value === true;
    },
    strings: (name) => lists.get(name) ?? [],
    given: (name) => values.has(name),
  };
  return { flags, positionals };
}

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScaffoldStep } from './scaffold-step.js';

/** What a scaffold did, by path relative to the project root. */
export interface ScaffoldResult {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  /** Shared files that existed and were kept. */
  readonly kept: readonly string[];
}

/**
 * Formats a file about to be written: `before` is its current content (undefined for a new file). Returns the
 * content to write. See `formatWithPrettier`.
 */
export type FileFormatter = (path: string, content: string, before: string | undefined) => Promise<string>;

/** The scaffold would overwrite or could not extend a file; nothing was written. */
export class ScaffoldConflictError extends Error {
  override readonly name = 'ScaffoldConflictError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `${problems[0] ?? ''}; nothing was written`
        : `${problems.length} problems, nothing was written: ${problems.join('; ')}`,
    );
  }
}

/** One file to write once every step has been checked. */
interface PlannedWrite {
  readonly path: string;
  readonly content: string;
  readonly before: string | undefined;
  readonly executable: boolean;
}

/**
 * Applies `steps` under `root`: first checks them all — no `refuse` file exists, every file to extend exists and
 * has its marker — and throws a {@link ScaffoldConflictError} listing every problem before writing anything; then
 * formats the results (`format`, default none) and writes new files (never over an existing one, even one
 * created meanwhile), the extended files, and the rewritten ones.
 */
export async function applyScaffold(
  root: string,
  steps: readonly ScaffoldStep[],
  format?: FileFormatter,
): Promise<ScaffoldResult> {
  const problems: string[] = [];
  const created: PlannedWrite[] = [];
  const kept: string[] = [];
  const edited = new Map<string, { before: string; content: string }>();
  const rewrites: PlannedWrite[] = [];
  const seen = new Set<string>();

  for (const step of steps) {
    const file = join(root, step.path);
    switch (step.kind) {
      case 'new':
        if (seen.has(step.path)) throw new Error(`scaffold: ${step.path} is created twice`);
        seen.add(step.path);
        if (existsSync(file)) {
          if (step.ifExists === 'skip') kept.push(step.path);
          else problems.push(`refusing to overwrite ${step.path}: it exists`);
        } else {
          created.push({
            path: step.path,
            content: step.content,
            before: undefined,
            executable: step.executable === true,
          });
        }
        break;
      case 'insert': {
        const planned = created.findIndex((c) => c.path === step.path);
        const plannedWrite = created[planned];
        if (plannedWrite !== undefined) {
          // A file this scaffold creates: the lines go into what it will write.
          const next = insertAboveMarker(plannedWrite.content, step.marker, step.lines);
          if (next === undefined) throw new Error(`scaffold: ${step.path} has no ${step.marker} line`);
          created[planned] = { ...plannedWrite, content: next };
          break;
        }
        const before = edited.get(step.path)?.before ?? readIfExists(file);
        const current = edited.get(step.path)?.content ?? before;
        if (before === undefined || current === undefined) {
          problems.push(`cannot add to ${step.path}: it does not exist (spoke scaffolded it; restore it)`);
          break;
        }
        const next = insertAboveMarker(current, step.marker, step.lines);
        if (next === undefined) {
          problems.push(
            `cannot add to ${step.path}: it has no \`${step.marker}\` line (restore it where code goes)`,
          );
          break;
        }
        edited.set(step.path, { before, content: next });
        break;
      }
      case 'uncomment': {
        const before = edited.get(step.path)?.before ?? readIfExists(file);
        const current = edited.get(step.path)?.content ?? before;
        if (before === undefined || current === undefined) {
          problems.push(`cannot edit ${step.path}: it does not exist (spoke scaffolded it; restore it)`);
          break;
        }
        const next = uncommentBlock(current, step.block, step.prefix ?? '#');
        if (next === undefined) {
          problems.push(
            `cannot enable ${step.what} in ${step.path}: neither the commented section nor the enabled one is ` +
              `there; add these lines by hand and run again:\n${step.block}`,
          );
          break;
        }
        edited.set(step.path, { before, content: next });
        break;
      }
      case 'replace-line': {
        const before = edited.get(step.path)?.before ?? readIfExists(file);
        const current = edited.get(step.path)?.content ?? before;
        if (before === undefined || current === undefined) {
          problems.push(`cannot edit ${step.path}: it does not exist (spoke scaffolded it; restore it)`);
          break;
        }
        const next = replaceLine(current, step.from, step.to);
        if (next === undefined) {
          problems.push(`cannot edit ${step.path}: it has neither \`${step.from}\` nor \`${step.to}\``);
          break;
        }
        edited.set(step.path, { before, content: next });
        break;
      }
      case 'rewrite':
        rewrites.push({
          path: step.path,
          content: step.content,
          before: readIfExists(file),
          executable: false,
        });
        break;
    }
  }
  if (problems.length > 0) throw new ScaffoldConflictError(problems);

  const updates = [
    ...[...edited].map(([path, { before, content }]) => ({ path, content, before, executable: false })),
    ...rewrites,
  ];
  const formatted = async (write: PlannedWrite): Promise<PlannedWrite> =>
    format === undefined
      ? write
      : { ...write, content: await format(write.path, write.content, write.before) };
  const toCreate = await Promise.all(created.map(formatted));
  const toUpdate = (await Promise.all(updates.map(formatted))).filter(
    (write) => write.content !== write.before,
  );

  for (const { path, content, executable } of toCreate) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { flag: 'wx' });
    if (executable) chmodSync(file, 0o755);
  }
  for (const { path, content } of toUpdate) replaceFile(join(root, path), content);
  return { created: toCreate.map((c) => c.path), updated: toUpdate.map((u) => u.path), kept };
}

/**
 * `text` with `lines` above its first line whose trimmed text is `marker`, indented as that line; lines already in
 * the text (compared trimmed) are left out. Undefined when there is no marker line.
 */
export function insertAboveMarker(
  text: string,
  marker: string,
  lines: readonly string[],
): string | undefined {
  const all = text.split('\n');
  const at = all.findIndex((line) => line.trim() === marker);
  if (at < 0) return undefined;
  const indent = /^\s*/.exec(all[at] ?? '')?.[0] ?? '';
  const present = new Set(all.map((line) => line.trim()));
  const added = lines.filter((line) => !present.has(line.trim())).map((line) => indent + line);
  return [...all.slice(0, at), ...added, ...all.slice(at)].join('\n');
}

/**
 * `text` with the commented copy of `block` (each line behind `prefix`, as `#- ../webhook` for `- ../webhook`)
 * replaced by `block`; `text` itself when `block` is there already; undefined when neither is.
 */
export function uncommentBlock(text: string, block: string, prefix: string): string | undefined {
  const lines = text.split('\n');
  const wanted = block.replace(/\n$/, '').split('\n');
  if (indexOfLines(lines, wanted) >= 0) return text;
  const at = indexOfLines(
    lines,
    wanted.map((line) => `${prefix}${line}`),
  );
  if (at < 0) return undefined;
  return [...lines.slice(0, at), ...wanted, ...lines.slice(at + wanted.length)].join('\n');
}

/**
 * `text` with its first line reading `from` (trimmed) replaced by `to`, indented as it was; `text` itself when a
 * line reads `to` already; undefined when neither is there.
 */
export function replaceLine(text: string, from: string, to: string): string | undefined {
  const lines = text.split('\n');
  if (lines.some((line) => line.trim() === to.trim())) return text;
  const at = lines.findIndex((line) => line.trim() === from.trim());
  if (at < 0) return undefined;
  const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
  return [...lines.slice(0, at), indent + to.trim(), ...lines.slice(at + 1)].join('\n');
}

/** Where `wanted` starts as consecutive whole lines of `lines`, or -1. */
function indexOfLines(lines: readonly string[], wanted: readonly string[]): number {
  for (let at = 0; at + wanted.length <= lines.length; at++) {
    if (wanted.every((line, i) => lines[at + i] === line)) return at;
  }
  return -1;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes beside the file, then renames: a crash leaves the old file or the new one, never half of one. */
function replaceFile(file: string, content: string): void {
  const temporary = `${file}.spoke-${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

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

/**
 * Applies `steps` under `root`: first checks them all — no `refuse` file exists, every file to extend exists and
 * has its marker — and throws a {@link ScaffoldConflictError} listing every problem before writing anything; then
 * writes new files (never over an existing one, even one created meanwhile), the extended files, and rewrites last.
 */
export function applyScaffold(root: string, steps: readonly ScaffoldStep[]): ScaffoldResult {
  const problems: string[] = [];
  const created: { path: string; content: string; executable: boolean }[] = [];
  const kept: string[] = [];
  const edited = new Map<string, string>();
  const rewrites: { path: string; content: string }[] = [];
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
          created.push({ path: step.path, content: step.content, executable: step.executable === true });
        }
        break;
      case 'insert': {
        const current = edited.get(step.path) ?? readIfExists(file);
        if (current === undefined) {
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
        edited.set(step.path, next);
        break;
      }
      case 'rewrite':
        rewrites.push({ path: step.path, content: step.content });
        break;
    }
  }
  if (problems.length > 0) throw new ScaffoldConflictError(problems);

  for (const { path, content, executable } of created) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { flag: 'wx' });
    if (executable) chmodSync(file, 0o755);
  }
  const updated: string[] = [];
  for (const [path, content] of edited) {
    if (content === readIfExists(join(root, path))) continue;
    replaceFile(join(root, path), content);
    updated.push(path);
  }
  for (const { path, content } of rewrites) {
    if (content === readIfExists(join(root, path))) continue;
    replaceFile(join(root, path), content);
    updated.push(path);
  }
  return { created: created.map((c) => c.path), updated, kept };
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

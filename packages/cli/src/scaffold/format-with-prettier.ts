import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import type { FileFormatter } from './apply-scaffold.js';

/**
 * Formats scaffolded TypeScript with prettier, as kubebuilder runs gofmt: generated code is formatted whatever the
 * length of the names in it. The options are the project's (its `.prettierrc.json`, `.prettierignore`), or
 * `options` for a project whose configuration is not written yet (`spoke init`). A file the user had already (one
 * that `create api` extends) is formatted only if it was formatted before, so a project that does not use
 * prettier keeps its own style. Other files (YAML, Markdown, JSON) are fixed templates, written as they are.
 */
export function formatWithPrettier(root: string, options?: prettier.Options): FileFormatter {
  return async (path, content, before) => {
    if (!path.endsWith('.ts')) return content;
    const file = join(root, path);
    const ignorePath = join(root, '.prettierignore');
    if (existsSync(ignorePath) && (await prettier.getFileInfo(file, { ignorePath })).ignored) return content;
    const resolved = { ...(options ?? (await prettier.resolveConfig(file))), filepath: file };
    if (before !== undefined && !(await prettier.check(before, resolved))) return content;
    return prettier.format(content, resolved);
  };
}

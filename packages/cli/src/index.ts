/**
 * `@spoke/cli`: the `spoke` command, and the scaffolds behind it for programs that make projects themselves.
 */
export { runCli } from './cli/run-cli.js';
export type { CommandContext } from './cli/command.js';
export { applyScaffold, ScaffoldConflictError, type ScaffoldResult } from './scaffold/apply-scaffold.js';
export type { ScaffoldStep, NewFile, Insertion, Rewrite } from './scaffold/scaffold-step.js';
export { scaffoldProject } from './scaffold/scaffold-project.js';
export { scaffoldApi, apiConflict, type ApiOptions } from './scaffold/scaffold-api.js';
export type { ProjectOptions } from './scaffold/scaffold-context.js';
export {
  readProjectFile,
  parseProjectFile,
  type ProjectFile,
  type ProjectResource,
} from './project/project-file.js';

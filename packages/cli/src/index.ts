/**
 * `@spoke/cli`: the `spoke` command, and the scaffolds behind it for programs that make projects themselves.
 */
export { runCli } from './run-cli.js';
export type { CommandContext } from './cli/command.js';
export { applyScaffold, ScaffoldConflictError, type ScaffoldResult } from './scaffold/apply-scaffold.js';
export type {
  ScaffoldStep,
  NewFile,
  Insertion,
  Uncomment,
  ReplaceLine,
  Rewrite,
} from './scaffold/scaffold-step.js';
export { scaffoldProject } from './templates/project/scaffold-project.js';
export { scaffoldApi, apiConflict, type ApiOptions } from './templates/api/scaffold-api.js';
export {
  scaffoldWebhook,
  webhookConflict,
  type WebhookOptions,
} from './templates/webhook/scaffold-webhook.js';
export type { ProjectOptions } from './scaffold/scaffold-context.js';
export {
  readProjectFile,
  parseProjectFile,
  type ProjectFile,
  type ProjectResource,
  type ProjectWebhooks,
} from './project/project-file.js';

import {
  projectFileName,
  projectLayout,
  renderProjectFile,
  type ProjectFile,
} from '../../project/project-file.js';
import { configFiles } from './config-files.js';
import { dockerfile, makefile } from './build-files.js';
import {
  dockerignore,
  gitignore,
  packageJson,
  prettierignore,
  prettierrc,
  tsconfigJson,
} from './package-files.js';
import { readme } from './readme.js';
import {
  controllersIndexTs,
  mainTs,
  manifestSourcesTs,
  testEnvironmentTs,
  webhooksIndexTs,
} from './source-files.js';
import { boilerplate, type ProjectOptions } from '../../scaffold/scaffold-context.js';
import type { ScaffoldStep } from '../../scaffold/scaffold-step.js';

/** Where the license header of scaffolded TypeScript lives, so that `create api` uses the user's version of it. */
export const boilerplatePath = 'hack/boilerplate.ts.txt';

/** The PROJECT file of a new project. */
export function newProjectFile(options: ProjectOptions): ProjectFile {
  return {
    version: '3',
    layout: [projectLayout],
    domain: options.domain,
    projectName: options.projectName,
    repo: options.repo,
    cliVersion: options.cliVersion,
    resources: [],
  };
}

/** Every file of a new project: `spoke init`. Pure; {@link applyScaffold} writes them. */
export function scaffoldProject(options: ProjectOptions): ScaffoldStep[] {
  const header = boilerplate(options);
  return [
    {
      kind: 'new',
      path: projectFileName,
      content: renderProjectFile(newProjectFile(options)),
      ifExists: 'refuse',
    },
    packageJson(options),
    tsconfigJson(),
    makefile(),
    dockerfile(),
    gitignore(),
    dockerignore(),
    prettierrc(),
    prettierignore(),
    readme(options),
    ...(header === ''
      ? []
      : [{ kind: 'new', path: boilerplatePath, content: header, ifExists: 'refuse' } as const]),
    mainTs(options, header),
    controllersIndexTs(header),
    webhooksIndexTs(header),
    manifestSourcesTs(header),
    testEnvironmentTs(header),
    ...configFiles(options),
  ];
}

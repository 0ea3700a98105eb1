import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from '../cli/command.js';
import { UsageError } from '../cli/usage-error.js';
import { dnsLabelProblem, dnsSubdomainProblem, packageNameProblem } from '../project/names.js';
import { projectFileName } from '../project/project-file.js';
import { formatWithPrettier } from '../scaffold/format-with-prettier.js';
import { applyScaffold } from '../scaffold/apply-scaffold.js';
import type { ProjectOptions } from '../scaffold/scaffold-context.js';
import { scaffoldProject } from '../templates/project/scaffold-project.js';
import { prettierOptions } from '../templates/project/package-files.js';

/** `spoke init`: a new project in the current directory. */
export const initCommand: Command = {
  path: ['init'],
  summary: 'Initialize a new project',
  description: `Initialize a new operator project in the current directory, laid out as a kubebuilder project:
a package.json depending on the @spoke packages, tsconfig.json, a Makefile (build, test, run, manifests,
install, deploy, build-installer, docker-build...), the config/ kustomize tree, a Dockerfile, the manager in
src/cmd/main.ts, a test setup on @spoke/envtest, and a README. Existing files are never overwritten.`,
  synopsis: '--domain DOMAIN [flags]',
  examples: [
    '# Scaffold a project whose API groups end in .example.com',
    'spoke init --domain example.com --owner "The Guestbook Authors"',
  ],
  flags: [
    {
      name: 'domain',
      type: 'string',
      placeholder: 'domain',
      description: 'the domain of the API groups: group <group>.<domain> (required)',
    },
    {
      name: 'repo',
      type: 'string',
      placeholder: 'name',
      description: "the npm package name (default: the project's name)",
    },
    {
      name: 'project-name',
      type: 'string',
      placeholder: 'name',
      description: "the project's name, an RFC 1123 label (default: the directory's name)",
    },
    {
      name: 'owner',
      type: 'string',
      placeholder: 'owner',
      description: 'the copyright owner in the license headers',
    },
    {
      name: 'license',
      type: 'string',
      placeholder: 'license',
      description: 'the license of the headers: apache2 or none',
      default: 'apache2',
    },
  ],
  async run(context, flags, positionals) {
    if (positionals.length > 0)
      throw new UsageError(`init takes no arguments, got "${positionals.join(' ')}"`);
    const domain = flags.string('domain');
    if (domain === undefined) {
      throw new UsageError('--domain is required: the API groups of the project are <group>.<domain>');
    }
    const domainProblem = dnsSubdomainProblem(domain);
    if (domainProblem !== undefined) throw new UsageError(`invalid --domain "${domain}": ${domainProblem}`);

    const projectName = flags.string('project-name') ?? basename(context.cwd);
    const nameProblem = dnsLabelProblem(projectName);
    if (nameProblem !== undefined) {
      throw new UsageError(
        flags.given('project-name')
          ? `invalid --project-name "${projectName}": ${nameProblem}`
          : `the directory's name "${projectName}" is not a project name (it ${nameProblem}): pass --project-name`,
      );
    }
    const repo = flags.string('repo') ?? projectName;
    const repoProblem = packageNameProblem(repo);
    if (repoProblem !== undefined) throw new UsageError(`invalid --repo "${repo}": ${repoProblem}`);
    const license = flags.string('license') ?? 'apache2';
    if (license !== 'apache2' && license !== 'none') {
      throw new UsageError(`invalid --license "${license}": must be apache2 or none`);
    }

    if (existsSync(join(context.cwd, projectFileName))) {
      throw new Error(
        `${context.cwd} is a project already (it has a ${projectFileName} file): add APIs with \`spoke create api\``,
      );
    }
    const options: ProjectOptions = {
      domain,
      projectName,
      repo,
      owner: flags.string('owner'),
      license,
      cliVersion: context.version,
      year: context.now.getFullYear(),
    };
    const result = await applyScaffold(
      context.cwd,
      scaffoldProject(options),
      formatWithPrettier(context.cwd, prettierOptions),
    );
    context.stdout(
      `Wrote the ${projectName} project: ${result.created.length} files.\n` +
        'Next: install the dependencies and define an API:\n' +
        '  npm install\n' +
        '  npx spoke create api --group <group> --version <version> --kind <Kind>\n',
    );
    return 0;
  },
};

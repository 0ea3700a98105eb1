import type { ProjectFile, ProjectResource } from '../project/project-file.js';
import { fullGroup } from '../project/project-file.js';
import { kebabCase, lowerCamelCase } from '../project/names.js';

/** What `spoke init` scaffolds from. */
export interface ProjectOptions {
  readonly domain: string;
  /** RFC 1123 label: the namespace `<name>-system`, the name prefix and labels of config/. */
  readonly projectName: string;
  /** The npm package name. */
  readonly repo: string;
  /** The copyright holder in the license headers; none when undefined. */
  readonly owner: string | undefined;
  readonly license: 'apache2' | 'none';
  /** The spoke version: the scaffolded package.json depends on `^cliVersion` of each Spoke package. */
  readonly cliVersion: string;
  readonly year: number;
}

/** The names one kind's files and identifiers use, derived once. */
export interface ApiNames {
  readonly resource: ProjectResource;
  /** `webapp.example.com`. */
  readonly group: string;
  /** `webapp.example.com/v1`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  /** `guestbook`: singular, lower case. */
  readonly singular: string;
  readonly namespaced: boolean;
  /** `cron-job`: the kebab-case stem of its file names. */
  readonly file: string;
  /** `cronJob`: the stem of its variables. */
  readonly variable: string;
  /** `src/api/webapp/v1`. */
  readonly apiDir: string;
  readonly project: ProjectFile;
}

export function apiNames(project: ProjectFile, resource: ProjectResource): ApiNames {
  const group = fullGroup(resource);
  return {
    resource,
    group,
    apiVersion: `${group}/${resource.version}`,
    kind: resource.kind,
    plural: resource.plural,
    singular: resource.kind.toLowerCase(),
    namespaced: resource.api?.namespaced ?? true,
    file: kebabCase(resource.kind),
    variable: lowerCamelCase(resource.kind),
    apiDir: `src/api/${resource.group}/${resource.version}`,
    project,
  };
}

/**
 * The comment every scaffolded TypeScript file starts with, kept in `hack/boilerplate.ts.txt` (as kubebuilder's
 * `hack/boilerplate.go.txt`) so that later scaffolds use the user's edits; empty for `--license none` and no owner.
 */
export function boilerplate(options: ProjectOptions): string {
  const { owner, license, year, projectName } = options;
  const copyright = `Copyright ${year} ${owner ?? `The ${projectName} Authors`}.`;
  if (license === 'none') return owner === undefined ? '' : `/*\n${copyright}\n*/\n`;
  return `/*
${copyright}

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
`;
}

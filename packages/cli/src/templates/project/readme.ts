import type { ProjectOptions } from '../../scaffold/scaffold-context.js';
import type { NewFile } from '../../scaffold/scaffold-step.js';

/** README.md: what the project is, and the commands of its life cycle. */
export function readme(options: ProjectOptions): NewFile {
  const name = options.projectName;
  const license =
    options.license === 'apache2'
      ? `
## License

Copyright ${options.year} ${options.owner ?? `The ${name} Authors`}.

Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
the License. You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
specific language governing permissions and limitations under the License.
`
      : '';
  return {
    kind: 'new',
    path: 'README.md',
    ifExists: 'refuse',
    content: `# ${name}

// TODO(user): Add simple overview of use/purpose

## Description

// TODO(user): An in-depth paragraph about your project and overview of use

A Kubernetes operator in TypeScript, built with [Spoke](https://github.com/spoke-dev/spoke) and laid out as a
kubebuilder project: the APIs in \`src/api/\`, the controllers in \`src/controller/\`, the manager in
\`src/cmd/main.ts\`, the kustomize tree in \`config/\`.

## Getting Started

### Prerequisites

- Node.js 22.19 or newer, and npm
- Go 1.24 or newer, once: \`make test\` builds etcd and kube-apiserver for the tests (\`make envtest\`), and
  \`make deploy\` builds kustomize
- kubectl, and access to a Kubernetes cluster for \`make install\`, \`make run\` and \`make deploy\`
- A container engine (docker or podman) for \`make docker-build\`

### Develop

\`\`\`sh
npm install                 # the dependencies
npx spoke create api --group <group> --version v1 --kind <Kind>   # an API and its controller
npx spoke create webhook --group <group> --version v1 --kind <Kind> --defaulting --programmatic-validation
make build                  # compile (tsc) into dist/
make manifests              # the CRDs and the manager's ClusterRole, generated from the code
make test                   # the tests; controllers run on a real etcd + kube-apiserver
\`\`\`

Run \`make help\` for every target. The CRDs come from the TypeBox schemas in \`src/api/\`, the ClusterRole from
each controller's \`@Controller({ for, owns, watches, writes })\` declaration, the webhook configurations from the
\`webhookFor(...)\` declarations of \`src/webhook/\`: edit those, then \`make manifests\`. Deployed webhooks need
[cert-manager](https://cert-manager.io/docs/installation/) in the cluster, for their serving certificate.

### Run against a cluster from your machine

\`\`\`sh
make install                # the CRDs, into the cluster of the current kubeconfig
make run                    # the manager, in the foreground (Ctrl-C stops it)
kubectl apply -k config/samples/
\`\`\`

### Deploy

**Build and push your image to the location specified by \`IMG\`:**

\`\`\`sh
make docker-build docker-push IMG=<some-registry>/${name}:tag
\`\`\`

**Deploy the manager to the cluster with the image specified by \`IMG\`:**

\`\`\`sh
make deploy IMG=<some-registry>/${name}:tag
\`\`\`

> **NOTE**: If you encounter RBAC errors, you may need to grant yourself cluster-admin privileges or be logged in
> as admin.

**Create instances of your solution** (you can apply the samples from \`config/samples\`):

\`\`\`sh
kubectl apply -k config/samples/
\`\`\`

### To Uninstall

\`\`\`sh
kubectl delete -k config/samples/   # delete the instances (CRs) from the cluster
make uninstall                      # delete the APIs (CRDs) from the cluster
make undeploy                       # undeploy the manager from the cluster
\`\`\`

## Project Distribution

\`make build-installer IMG=<some-registry>/${name}:tag\` writes \`dist/install.yaml\`: everything needed to
install the project without its sources, \`kubectl apply -f dist/install.yaml\`.

## Contributing

// TODO(user): Add detailed information on how you would like others to contribute to this project

More information can be found via the [Spoke documentation](https://github.com/spoke-dev/spoke#readme) and the
[Kubebuilder Book](https://book.kubebuilder.io/introduction.html), whose concepts Spoke follows.
${license}`,
  };
}

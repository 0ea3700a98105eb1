import type { NewFile } from '../../scaffold/scaffold-step.js';

function file(path: string, content: string): NewFile {
  return { kind: 'new', path, content, ifExists: 'refuse' };
}

/** The Makefile: kubebuilder's targets, with Node's tools in place of Go's. Recipes are tab-indented. */
export function makefile(): NewFile {
  return file(
    'Makefile',
    `# Image URL to use all building/pushing image targets
IMG ?= controller:latest

# The project's tools are its devDependencies (tsc, prettier, spoke, spoke-manifests): node_modules/.bin first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

# CONTAINER_TOOL defines the container tool to be used for building images.
# Be aware that the target commands are only tested with Docker which is
# scaffolded by default. However, you might want to replace it to use other
# tools. (i.e. podman)
CONTAINER_TOOL ?= docker

# Setting SHELL to bash allows bash commands to be executed by recipes.
# Options are set to exit when a recipe line exits non-zero or a piped command fails.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

# The help target prints out all targets with their descriptions organized
# beneath their categories. The categories are represented by '##@' and the
# target descriptions by '##'.
.PHONY: help
help: ## Display this help.
\t@awk 'BEGIN {FS = ":.*##"; printf "\\nUsage:\\n  make \\033[36m<target>\\033[0m\\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \\033[36m%-15s\\033[0m %s\\n", $$1, $$2 } /^##@/ { printf "\\n\\033[1m%s\\033[0m\\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

# npm install (not ci) keeps package-lock.json in step with edits of package.json; CI may run \`npm ci\` first.
node_modules/.package-lock.json: package.json $(wildcard package-lock.json)
\tnpm install --no-audit --no-fund
\t@touch $@

.PHONY: deps
deps: node_modules/.package-lock.json ## Install the npm dependencies when package.json changed.

.PHONY: build
build: deps ## Compile the manager and the tests into dist/ (tsc).
\ttsc -p .

.PHONY: manifests
manifests: build ## Generate the CRDs (config/crd/bases), the ClusterRole (config/rbac/role.yaml) and the webhook configurations (config/webhook/manifests.yaml) from the code.
\tspoke-manifests --module dist/src/manifest-sources.js --crd-dir config/crd/bases --rbac-role config/rbac/role.yaml --webhook-manifests config/webhook/manifests.yaml

.PHONY: fmt
fmt: deps ## Format the code (prettier --write).
\tprettier --write .

.PHONY: lint
lint: deps ## Check the formatting (prettier --check) and the types (tsc --noEmit).
\tprettier --check .
\ttsc -p . --noEmit

.PHONY: test
test: manifests envtest ## Run the tests; the controllers' run on a real etcd and kube-apiserver (@spoke/envtest).
\tnode --enable-source-maps --test $(TEST_FLAGS) 'dist/test/**/*.test.js'

.PHONY: run
run: manifests ## Run the manager from your host against the cluster of the current kubeconfig (after make install).
\tnode --enable-source-maps --max-semi-space-size=1 --liftoff-only dist/src/cmd/main.js $(RUN_ARGS)

##@ Build

# If you wish to build the manager image targeting other platforms you can use the --platform flag.
# (i.e. docker build --platform linux/arm64). However, you must enable docker buildKit for it.
# More info: https://docs.docker.com/develop/develop-images/build_enhancements/
.PHONY: docker-build
docker-build: ## Build docker image with the manager (needs package-lock.json: run make deps first).
\t$(CONTAINER_TOOL) build -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push docker image with the manager.
\t$(CONTAINER_TOOL) push $(IMG)

.PHONY: build-installer
build-installer: manifests kustomize ## Generate a consolidated YAML with CRDs and deployment (dist/install.yaml).
\tmkdir -p dist
\tcd config/manager && $(KUSTOMIZE) edit set image controller=$(IMG)
\t$(KUSTOMIZE) build config/default > dist/install.yaml

##@ Deployment

ifndef ignore-not-found
  ignore-not-found = false
endif

# kubectl's embedded kustomize (-k) applies the trees; the standalone kustomize is needed only for \`kustomize edit\`.
.PHONY: install
install: manifests ## Install CRDs into the K8s cluster specified in ~/.kube/config.
\t$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: manifests ## Uninstall CRDs from the K8s cluster specified in ~/.kube/config. Call with ignore-not-found=true to ignore resource not found errors during deletion.
\t$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k config/crd

.PHONY: deploy
deploy: manifests kustomize ## Deploy controller to the K8s cluster specified in ~/.kube/config.
\tcd config/manager && $(KUSTOMIZE) edit set image controller=$(IMG)
\t$(KUBECTL) apply --server-side -k config/default

.PHONY: undeploy
undeploy: ## Undeploy controller from the K8s cluster specified in ~/.kube/config. Call with ignore-not-found=true to ignore resource not found errors during deletion.
\t$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k config/default

##@ Dependencies

## Location to install dependencies to
LOCALBIN ?= $(CURDIR)/bin
$(LOCALBIN):
\tmkdir -p $(LOCALBIN)

## Tool Binaries
KUBECTL ?= kubectl
KUSTOMIZE ?= $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)
SPOKE ?= spoke

## Tool Versions
KUSTOMIZE_VERSION ?= v5.5.0
# What \`make test\` needs: etcd and kube-apiserver. Tests with simulated nodes (ControlPlane.start({ nodes: 2 }))
# need the full set: ENVTEST_FLAGS= make test.
ENVTEST_FLAGS ?= --api-server-only

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Download kustomize locally if necessary (needs Go).
$(KUSTOMIZE): | $(LOCALBIN)
\tGOBIN=$(LOCALBIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
\tmv -f $(LOCALBIN)/kustomize $(KUSTOMIZE)

.PHONY: envtest
envtest: deps ## Build (once, into ~/.cache/spoke; needs Go) or find the control-plane binaries of the tests.
\t$(SPOKE) envtest use $(ENVTEST_FLAGS) >/dev/null
`,
  );
}

/** The Dockerfile: compiled with the same tsc as \`make build\`, run on distroless Node as a non-root user. */
export function dockerfile(): NewFile {
  return file(
    'Dockerfile',
    `# Build the manager image: make docker-build IMG=<registry>/<name>:<tag>
ARG NODE_VERSION=24
FROM node:\${NODE_VERSION}-bookworm-slim AS builder
WORKDIR /workspace
# The dependency layer is reused until package.json or package-lock.json changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src/ src/
# Compiled with tsc, which emits the decorator metadata the manager injects controllers from; then only the
# production dependencies are kept.
RUN npx tsc -p . && npm prune --omit=dev --no-audit --no-fund

# Use distroless as minimal base image to package the manager binary
# Refer to https://github.com/GoogleContainerTools/distroless for more details
FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=builder /workspace/package.json ./
COPY --from=builder /workspace/node_modules/ node_modules/
COPY --from=builder /workspace/dist/src/ dist/src/
# Numeric, so that the kubelet can verify runAsNonRoot without reading /etc/passwd.
USER 65532:65532

ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "--max-semi-space-size=1", "--liftoff-only", "dist/src/cmd/main.js"]
`,
  );
}

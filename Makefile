# Spoke — targets named as kubebuilder names them. `make help` lists them.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
.DEFAULT_GOAL := help

# The project brings its own Node (the `node` devDependency): every target runs with node_modules/.bin first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

IMG ?= spoke/memcached-operator:latest
# The simulated cluster's binaries are built once into a versioned cache (`make control-plane`), or taken from
# SPOKE_ASSETS when set; @spoke/envtest finds them the same way. The build ships with @spoke/envtest.
CONTROL_PLANE_BUILD := packages/envtest/control-plane/build.sh
# `make pack` writes the tarballs of packages/* (one version for all) to PACK_DIR.
PACK_DIR ?= $(CURDIR)/dist/packages

##@ General

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

node_modules/.package-lock.json: package.json package-lock.json $(wildcard packages/*/package.json examples/*/package.json test/package.json)
	npm ci --no-audit --no-fund

.PHONY: deps
deps: node_modules/.package-lock.json ## Install the pinned Node and the npm dependencies.

.PHONY: build
build: deps ## Compile every package (tsc -b).
	tsc -b

.PHONY: fmt
fmt: deps ## Format the code (prettier, eslint --fix).
	npm run fmt

.PHONY: lint
lint: deps ## Lint the code (eslint with typescript-eslint, prettier --check).
	npm run lint

.PHONY: pack
pack: build ## Pack the packages (packages/*) into PACK_DIR (dist/packages), exactly as `npm publish` would upload them.
	node hack/pack.mjs $(PACK_DIR)

.PHONY: docs
docs: build ## Generate the API reference from the TSDoc comments into dist/docs/api (typedoc; open index.html).
	typedoc

.PHONY: control-plane
control-plane: ## Build (or reuse) etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok.
	$(CONTROL_PLANE_BUILD) >/dev/null

.PHONY: test
test: build control-plane test-deps ## Run all tests: unit, integration (etcd + kube-apiserver) and e2e (simulated cluster).
	node hack/run-tests.mjs

# The chaos soak's length: `make soak SOAK_DURATION=10m`. `make test` runs a short fixed version of it.
SOAK_DURATION ?= 3m

.PHONY: soak
soak: build control-plane ## Run the chaos soak (faults, 3 manager replicas) for SOAK_DURATION (default 3m); report in tmp/soak/.
	SOAK_DURATION=$(SOAK_DURATION) SOAK_REPORT_DIR=$(CURDIR)/tmp/soak \
		node --enable-source-maps --test --test-reporter=spec test/dist/e2e/chaos-soak.test.js

.PHONY: test-deps
test-deps: ## Install memcached, nutcracker and openssl when missing (as root, with apt-get), which the tests run.
	hack/install-test-deps.sh

.PHONY: test-unit
test-unit: build ## Run the fast unit tests only.
	node hack/run-tests.mjs unit

.PHONY: run
run: build ## Run the memcached manager: on the current kubeconfig's cluster, or on a local simulated one.
	node examples/memcached-operator/dist/src/run-local.js $(RUN_ARGS)

.PHONY: bench
bench: build control-plane ## Side by side with controller-runtime, the memcached operator at scale → docs/benchmarks.md (BENCH_QUICK=1: small).
	node hack/run-benchmarks.mjs

.PHONY: cluster
cluster: build control-plane ## Start a simulated cluster (2 kwok nodes) in the foreground; Ctrl-C tears it down.
	node packages/envtest/dist/src/cli.js --nodes 2

##@ Deployment

# The compiled module `make manifests` reads: it exports the operator's `customResources`, `controllers` and `webhooks`.
MANIFESTS_MODULE ?= examples/memcached-operator/dist/src/manifest-sources.js
SPOKE_MANIFESTS ?= node packages/manifests/dist/src/cli.js
KUBECTL ?= kubectl
# No container engine is assumed: docker-build and docker-push need one (docker, or CONTAINER_TOOL=podman).
CONTAINER_TOOL ?= docker
LOCALBIN ?= $(CURDIR)/bin
KUSTOMIZE_VERSION ?= v5.5.0
# kubectl embeds kustomize for `-k`; the standalone binary is only needed for `kustomize edit set image`.
KUSTOMIZE ?= $(LOCALBIN)/kustomize-$(KUSTOMIZE_VERSION)

ifndef ignore-not-found
  ignore-not-found = false
endif

.PHONY: manifests
manifests: deps ## Generate the CRDs (config/crd/bases), the manager's ClusterRole (config/rbac/role.yaml) and the webhook configurations (config/webhook/manifests.yaml) from the code.
	tsc -b packages/manifests
	$(SPOKE_MANIFESTS) --module $(MANIFESTS_MODULE) --crd-dir config/crd/bases --rbac-role config/rbac/role.yaml

.PHONY: install
install: manifests ## Install the CRDs into the cluster of the current kubeconfig.
	$(KUBECTL) apply --server-side -k config/crd

.PHONY: uninstall
uninstall: manifests ## Uninstall the CRDs. Call with ignore-not-found=true to ignore resources not found.
	$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k config/crd

.PHONY: deploy
deploy: manifests kustomize ## Deploy the manager image IMG with its CRDs and RBAC to the cluster of the current kubeconfig.
	cd config/manager && $(KUSTOMIZE) edit set image controller=$(IMG)
	$(KUBECTL) apply --server-side -k config/default

.PHONY: undeploy
undeploy: ## Undeploy the manager, its RBAC and CRDs. Call with ignore-not-found=true to ignore resources not found.
	$(KUBECTL) delete --ignore-not-found=$(ignore-not-found) -k config/default

.PHONY: build-installer
build-installer: manifests kustomize ## Write dist/install.yaml: the CRDs and the manager (image IMG) in one file.
	mkdir -p dist
	cd config/manager && $(KUSTOMIZE) edit set image controller=$(IMG)
	$(KUSTOMIZE) build config/default > dist/install.yaml

.PHONY: docker-build
docker-build: ## Build the manager image IMG (needs a container engine: none on the dev machines or CI).
	$(CONTAINER_TOOL) build -t $(IMG) .

.PHONY: docker-push
docker-push: ## Push the manager image IMG.
	$(CONTAINER_TOOL) push $(IMG)

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Build kustomize into bin/ (once, from the Go module proxy), for `kustomize edit`.
$(KUSTOMIZE):
	mkdir -p $(LOCALBIN)
	GOBIN=$(LOCALBIN) GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	mv -f $(LOCALBIN)/kustomize $(KUSTOMIZE)

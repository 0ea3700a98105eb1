# Spoke — targets named as kubebuilder names them. `make help` lists them.
SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec
.DEFAULT_GOAL := help

# The project brings its own Node (the `node` devDependency): every target runs with node_modules/.bin first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

IMG ?= spoke/memcached-operator:latest
# The simulated cluster's binaries: built once into a versioned cache, or taken from SPOKE_ASSETS.
SPOKE_ASSETS ?= $(shell hack/control-plane/build.sh --print-dir 2>/dev/null)
export SPOKE_ASSETS

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

.PHONY: control-plane
control-plane: ## Build (or reuse) etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok.
	hack/control-plane/build.sh >/dev/null

.PHONY: test
test: build control-plane ## Run all tests: unit, integration (etcd + kube-apiserver) and e2e (simulated cluster).
	node hack/run-tests.mjs

.PHONY: test-unit
test-unit: build ## Run the fast unit tests only.
	node hack/run-tests.mjs unit

.PHONY: cluster
cluster: build control-plane ## Start a simulated cluster (2 kwok nodes) in the foreground; Ctrl-C tears it down.
	node packages/envtest/dist/src/cli.js --nodes 2

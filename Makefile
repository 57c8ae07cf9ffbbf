# The project's porcelain. A fresh clone needs one command for each of `make demo` and
# `make test`: both run `setup`, which installs Node 24 (from the npm registry), the npm
# dependencies and the kube-testenv Go binary, all cached outside the clone.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_BIN := $(shell tools/node.sh)
ifeq ($(NODE_BIN),)
$(error could not install the project's Node.js; see the messages above)
endif
export PATH := $(CURDIR)/bin:$(NODE_BIN):$(PATH)
export KUBE_TESTENV_BIN ?= $(shell tools/build-kube-testenv.sh --path-only)

.PHONY: help setup build lint test test-unit test-integration test-e2e demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

node_modules/.setup-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: node_modules/.setup-stamp ## install dependencies and build the kube-testenv binary (idempotent, cached)
	@tools/build-kube-testenv.sh >/dev/null
	@echo "setup: node $$(node --version), kube-testenv $$($(KUBE_TESTENV_BIN) version)"

build: node_modules/.setup-stamp ## compile src/ to dist/
	npx tsc -p tsconfig.build.json

lint: node_modules/.setup-stamp ## eslint (with the import boundaries), prettier, type check
	npx eslint .
	npx prettier --check --log-level warn .
	npx tsc -p tsconfig.json --noEmit

test: setup lint ## lint and every test tier; ends with "tests: N passed, N failed"
	test/run-tiers.sh unit integration e2e

test-unit: node_modules/.setup-stamp ## the pure and marble tests only
	test/run-tiers.sh unit

test-integration: setup ## the tests against the emulator and simulator
	test/run-tiers.sh integration

test-e2e: setup ## the tests against real apiservers, driven by real kubectl
	test/run-tiers.sh e2e

demo: setup ## walk through the test environment and the controller end to end
	test/demo.sh

clean: ## remove build output in the clone (the caches outside it stay)
	rm -rf dist .testenv

.PHONY: image
image: ## build the controller image kubemci-controller:<version> (needs a running Docker engine)
	@docker info >/dev/null 2>&1 || { echo "make image: no Docker engine is available here ('docker info' failed); build the image on a machine with a running Docker engine" >&2; exit 1; }
	docker build -t kubemci-controller -t kubemci-controller:$$(node -p 'require("./package.json").version') .

.PHONY: bench bench-compare
bench: setup ## the benchmarks (never part of test): bench/results/<date>-<commit>.json and .md
	node bench/run.ts $(BENCH_FLAGS)

bench-compare: node_modules/.setup-stamp ## compare two results: make bench-compare A=<file|commit> B=<file|commit> [RUN=1 [ONLY=2,4]]
	node bench/compare.ts '$(A)' '$(B)' $(if $(RUN),--run) $(if $(ONLY),--only $(ONLY))

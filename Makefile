# Every target runs on Node >= 22: setup brings Node 24 from npm into .tools/ when the machine's is older.
SHELL := /bin/bash
NODE_BIN := $(shell ./scripts/node-env.sh)
export PATH := $(NODE_BIN):$(PATH)
TESTBED_DIR ?= $(CURDIR)/.testbed
export TESTBED_DIR
KUBECONFIG ?= $(TESTBED_DIR)/kubeconfig

.PHONY: setup binaries prometheus browser jitsi jitsi-packages jitsi-build builds pulumi infra-up infra-down test test-unit test-e2e typecheck lint cluster-up cluster-down cluster-status demo crds manifests run bench-startup bench-scale bench bench-suite bench-directory chaos

## setup: Node packages (installed from the lockfile when it changed) and the Go-built test-bed binaries
setup: node_modules/.package-lock.json binaries prometheus

# `npm install` against the committed lockfile rather than `npm ci`, which deletes node_modules on every run:
# this fetches only what the lockfile changed. --no-save keeps the lockfile as committed; versions are the locked ones.
node_modules/.package-lock.json: package-lock.json
	npm install --no-save --no-audit --no-fund
	@touch $@

binaries:
	@e2e/testbed/tools/build.sh >/dev/null

## jitsi: the real-Jitsi test bed's parts (BRIDGES=jvb): Prosody and Java from Debian, JVB, Jicofo and tpl built
## from the pinned sources (a cold build takes about 12 minutes on 2 cores; cached like the binaries)
jitsi: jitsi-packages jitsi-build

jitsi-packages:
	@scripts/ensure-debian-packages.sh prosody:prosody java:openjdk-17-jdk-headless mvn:maven unzip:unzip patch:patch

jitsi-build:
	@e2e/testbed/jitsi/build.sh >/dev/null

## pulumi: the Pulumi CLI, its Node.js language host and the kubernetes and random providers, built from the sources
## in ../shared/third-party/pulumi (a cold build took 15 minutes on 2 busy cores; cached by version like the binaries)
pulumi:
	@infra/tools/build-pulumi.sh >/dev/null

# Debian's prometheus and promtool, for the alert and dashboard tests.
prometheus:
	@scripts/ensure-debian-packages.sh promtool:prometheus

# Debian's Chromium, for the directory page's browser test (driven by playwright-core, checked with axe).
browser:
	@scripts/ensure-debian-packages.sh chromium:chromium

## builds: every build the tests need, in parallel (Debian's packages first, one apt at a time). Maven's build
## is mostly one thread, so the Go builds fill the other core: a cold cache costs the longest, not the sum.
builds: node_modules/.package-lock.json prometheus browser jitsi-packages
	@$(MAKE) --no-print-directory -j3 binaries jitsi-build pulumi

## test: type check, unit tests, e2e suite on a test bed of its own (emulated bridges, then real Jitsi);
## ends with "N passed, N failed"
test: builds
	@TESTBED_DIR=$(TESTBED_DIR)/test scripts/test.sh

test-unit: setup
	npm run -s test:unit

## test-e2e: the e2e suite against the running test bed (make cluster-up first; BRIDGES=jvb for real Jitsi)
test-e2e: setup browser
	npm run -s test:e2e

typecheck: setup
	npm run -s typecheck

## lint: Biome's formatter check and lint rules (npm run format rewrites the formatting)
lint: setup
	npm run -s lint

## cluster-up / cluster-down: the local control plane with kwok nodes and the bridge emulator
cluster-up: setup
	@e2e/testbed/cluster.sh up

cluster-down:
	@e2e/testbed/cluster.sh down

cluster-status:
	@e2e/testbed/cluster.sh status

## infra-up / infra-down: the platform program (infra/programs/platform) with `pulumi up` / `pulumi destroy` against
## the running test bed (make cluster-up first), and the operator as a process that brings its MeetingFleet Ready
infra-up: setup pulumi
	@infra/scripts/testbed-platform.sh up

infra-down: setup pulumi
	@infra/scripts/testbed-platform.sh down

## demo: test bed, a fleet of emulated bridges under a conference load, and a live view (Ctrl-C ends it)
demo: setup
	@scripts/demo.sh

## crds: regenerate crds/ from the zod schemas in operator/src/api (a unit test fails when crds/ is stale)
crds: setup
	node operator/scripts/gen-crds.ts
	node e2e/support/render-manifests.ts

## manifests: charts/manifests/ (plain manifests for kubectl apply) rendered from the chart
manifests: setup
	node e2e/support/render-manifests.ts

## run: the operator in the foreground against $$KUBECONFIG (default: the test bed's); installs the CRD first
run: setup
	KUBECONFIG=$(KUBECONFIG) scripts/run-operator.sh

## chaos: the leader SIGKILLed 20 times (CHAOS_KILLS) with the operator's default lease timings while fleets scale,
## roll and autoscale under load; prints failover figures (make cluster-up first; make test runs 5 kills, short lease)
CHAOS_KILLS ?= 20
chaos: setup
	CHAOS_KILLS=$(CHAOS_KILLS) CHAOS_LEASE=operator-defaults node --experimental-vm-modules node_modules/jest/bin/jest.js --selectProjects e2e --runInBand e2e/tests/chaos.e2e.test.ts

## bench-scale: 50 fleets grown to 100, 500 and 1,000 bridges: Ready time, reconcile p50/p99, scrape round, RSS,
## CPU, API requests by verb (TESTBED_NODES=12 make cluster-up first)
bench-scale: setup
	node e2e/bench/fleet-scale.ts

## bench-startup: apply -> all bridges Ready for 10 and 100 bridges, and operator memory (make cluster-up first)
bench-startup: setup
	node e2e/bench/fleet-startup.ts

## bench-directory: the directory's /join per second and p99 beside a bare node:http redirect, and a burst of 1,000 new
## rooms placed as in 2020, at random and by the directory (DURATION=s of load, 5 by default)
bench-directory: setup
	node e2e/bench/directory/run.ts

## bench: every scaling policy on the same traces (TRACE=path.csv for your own, SEED=n for another draw); table and .bench/results.json
bench: setup
	node e2e/bench/run.ts

## bench-suite: every policy's defaults on a population of workloads (PER_FAMILY=n, SEED=n or SEED=1,2,3 for several populations judged together and each alone, FRONTIER=1 adds a point of the frontier, REFERENCES=1 the foresight and plenty references, GAP=1 the steps of the gap to the oracle, OURS_WITH='{json}' ours at other settings); report, .bench/suite.json and suite.png
bench-suite: setup
	node e2e/bench/suite/run.ts

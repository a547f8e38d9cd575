# flashdeck — `make run` opens the dashboard on the built-in demo,
# `make test` runs every test. Both install their own prerequisites.

SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
# Every build and test carries the fyne.Do migration tag (DESIGN.md §11):
# without it Fyne keeps thread checks that slow widget.Table down.
TAGS    := migrated_fynedo
GO      ?= go
VERSION ?= $(shell awk -F'"' '/^Version/ {print $$2}' FyneApp.toml)
COMMIT  ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
LDFLAGS := -X github.com/flashdeck/flashdeck/app/cli.Version=$(VERSION) -X github.com/flashdeck/flashdeck/app/cli.Commit=$(COMMIT)
BIN     := bin/flashdeck
STATICCHECK_VERSION := v0.8.2

.PHONY: all deps test-deps build run test test-short lint vet fmt-check staticcheck promcheck fuzz bench bench-rules bench-remote bench-floor chaos launch-actions launch-stock loadtest soak simulate serve clean screenshots \
        package package-linux package-windows package-check

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(GO) build -tags $(TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) .

## run: the dashboard on the built-in demo (simulated channels, no credentials)
# Under Xvfb, dbus-run-session gives the desktop a session bus that ends with it (without one,
# the D-Bus library starts a daemon that outlives the desktop).
run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display: running under Xvfb (screenshot: import -display :99 -window root x.png)"; \
	  $$(command -v dbus-run-session >/dev/null && echo dbus-run-session --) xvfb-run -n 99 -s "-screen 0 1600x1000x24" ./$(BIN); \
	else ./$(BIN); fi

## test: vet, format, staticcheck, the Prometheus rules, every test (headless; the window
## test under Xvfb; e2e/prometheus_test.go runs a real Prometheus on the collector)
test: test-deps lint promcheck
	$(GO) test -tags $(TAGS) -count=1 -timeout 12m ./...
	$(GO) test -tags $(TAGS) -count=1 -run '^$$' -fuzz '^FuzzAPISequence$$' -fuzztime 20s ./app/serve
	$(GO) test -tags $(TAGS) -count=1 -race -short -timeout 10m ./app/actions/... ./app/collector/... ./app/engine/... ./app/fanout/... ./app/remote/... ./app/report/... ./app/rules/... ./app/serve/... ./app/store/... ./app/timeline/... ./app/ui/... ./datasources/...

lint: vet fmt-check staticcheck

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

staticcheck:
	@command -v staticcheck >/dev/null 2>&1 || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	staticcheck -tags $(TAGS) ./...

## promcheck: the alert rules (lint, then their unit tests) and the sample scrape config in
## deploy/prometheus, with Debian's promtool (scripts/install-deps.sh installs it). The config's
## token file exists only on a real Prometheus host, hence --syntax-only.
PROMDIR := deploy/prometheus
promcheck: deps
	promtool check rules --lint=all --lint-fatal $(PROMDIR)/flashdeck-rules.yml
	promtool test rules $(PROMDIR)/flashdeck-rules.test.yml
	promtool check config --syntax-only $(PROMDIR)/prometheus.yml

## fuzz: every fuzz target for FUZZTIME (default 30s) each
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -tags $(TAGS) -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -tags $(TAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

## bench-rules: the scalper rules on one core, with 1,000,000 orders already in the sale
bench-rules:
	$(GO) test -run '^$$' -bench '^BenchmarkObserve$$' -benchtime 500000x -benchmem -cpu 1 -count 3 ./app/rules

## bench: the launch-scale harness (1,400 SKUs × 4 channels, 50,000 orders/min
## at the peak) through the real binary: ingest, freshness, CPU and memory of
## the collector and of the desktop. About 12 minutes.
bench: deps
	FLASHDECK_SCALE=bench $(GO) test -tags $(TAGS) -count=1 -run '^TestScaleBench$$' -v -timeout 45m ./e2e

## bench-remote: only the bench's --remote desktop on the live launch sale (about 3 minutes):
## its CPU (target < 5% of a core) and memory (target < 200 MB), on the SKUs tab
## (FLASHDECK_DESKTOP_TAB=overview for another); FLASHDECK_DESKTOP_PROFILE=FILE
## writes the desktop's CPU profile there
bench-remote: deps
	FLASHDECK_SCALE=bench $(GO) test -tags $(TAGS) -count=1 -run '^TestScaleBench$$/^remote-desktop$$' -v -timeout 15m ./e2e

## bench-floor: what a Fyne window of the desktop's size costs here with nothing
## of flashdeck in it (e2e/floor), idle and with a grid of changing labels, measured
## as bench-remote measures the desktop: the floor under its figures (about 8 minutes)
bench-floor: deps
	FLASHDECK_SCALE=bench-floor $(GO) test -tags $(TAGS) -count=1 -run '^TestFyneFloor$$' -v -timeout 20m ./e2e

## chaos: every fault scenario at full length (make test runs them short)
chaos: deps
	FLASHDECK_CHAOS=full $(GO) test -tags $(TAGS) -count=1 -run 'Chaos' -v -timeout 45m ./app/chaos ./e2e

## launch-actions: the 1,400-product launch sale paused and resumed at its peak
## at Lazada's default call rate (5/s), with bans; prints how long each took
launch-actions: deps
	FLASHDECK_LAUNCH_RPS=5 FLASHDECK_REPORT=1 $(GO) test -tags $(TAGS) -count=1 -run '^TestLaunchPauseAndResume$$' -v -timeout 20m ./app/collector

## launch-stock: how old the channels' stock figures get on the launch sale at its peak
launch-stock: deps
	FLASHDECK_REPORT=1 $(GO) test -tags $(TAGS) -count=1 -run '^TestLaunchStockAge$$' -v -timeout 20m ./app/collector

## loadtest: a war-room on one collector: 50 desktops on its stream (in a process of their
## own) and 50 API clients for 60 s; prints API latency per endpoint beside the collector's
## own time, stream freshness and bytes, the collector's and the desktops' CPU and memory.
## LOADTEST_SCALE=launch: the launch sale (1,400 SKUs on 4 channels) for 5 minutes
LOADTEST_SCALE ?= demo
loadtest: deps
	FLASHDECK_SCALE=room FLASHDECK_LOADTEST_SCALE=$(LOADTEST_SCALE) $(GO) test -tags $(TAGS) -count=1 -run '^TestRoomLoad$$' -v -timeout 20m ./e2e

## soak: a 12-hour sale played in 30 minutes; memory and goroutines must stay flat
SOAKFOR ?= 30m
soak: deps
	FLASHDECK_SCALE=soak FLASHDECK_SOAK_FOR=$(SOAKFOR) $(GO) test -tags $(TAGS) -count=1 -run '^TestScaleSoak$$' -v -timeout 90m ./e2e

## simulate / serve: the two halves of the headless demo
simulate: build
	./$(BIN) simulate --listen 127.0.0.1:8700 --out .

serve: build
	./$(BIN) serve --listen 127.0.0.1:9464

## package-linux / package-windows: installable packages in dist/ (go tool fyne package),
## stamped like `make build`; package-check builds both and checks them (CI runs it)
PKGENV := VERSION="$(VERSION)" COMMIT="$(COMMIT)" LDFLAGS="$(LDFLAGS)"

package: package-linux package-windows

package-linux:
	@scripts/install-deps.sh --package
	@$(PKGENV) scripts/package.sh linux

package-windows:
	@scripts/install-deps.sh --package --windows
	@$(PKGENV) scripts/package.sh windows

package-check: package-linux package-windows
	@$(PKGENV) scripts/check-packages.sh

clean:
	rm -rf bin dist

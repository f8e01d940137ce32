# ramfarm: `make sim` runs the simulation, `make test` runs every test that
# needs only Go and Node.js, `make test-browser` the loader in Chromium.
GO      ?= go
NODE    ?= node
BUILD   := build
WASM    := $(BUILD)/core.wasm
GAME    := $(BUILD)/game
WASIRUN := $(BUILD)/wasirun
CORE_SRC := $(shell find core bridge wasm -name '*.go' -not -name '*_test.go') go.mod Makefile
# The committed dist/ must be what a fresh clone builds, byte for byte,
# and another Go release compiles other bytes: the module is built with
# this one (the go command fetches it when it is not the local one).
WASM_GO := go1.26.8
# -s -w drops the symbol table and DWARF (the exports stay, and so do the
# runtime's own names for panic traces); -l on our packages turns inlining
# off, since each inlined copy costs more module bytes than the call it
# saves costs time (the core steps on events, not in tight loops).
# internal/coretest builds the module with the same flags.
WASM_FLAGS := -buildmode=c-shared -trimpath -buildvcs=false -ldflags=-s\ -w -gcflags=ramfarm/...=-l
DIST    := dist

.PHONY: all wasm bundle dist check-dist sim soak test test-go test-js test-wasm test-browser vet purity gen check-gen bench fuzz clean

all: bundle

## wasm: build the core module and print its sizes: raw, gzipped, and the
## in-game file that carries it (make test fails over their limits)
wasm: $(WASM)
	@$(GO) run ./cmd/ramfarm size --wasm $(WASM)

# The module Go links, packed (cmd/wasmpack merges its data segments),
# then shrunk by Binaryen's wasm-opt, which the project installs pinned
# from tools/wasm-opt (npm ci; the same version writes the same bytes).
# wasm-opt would split the merged segments again, so memory-packing is
# skipped; -Oz takes about 40 s and 1% off the gzip. Neither step changes
# what the module does: a sim gives the same numbers with or without.
WASM_OPT := tools/wasm-opt/node_modules/binaryen/bin/wasm-opt
WASM_OPT_FLAGS := -Oz --skip-pass=memory-packing --enable-bulk-memory --enable-sign-ext \
  --enable-nontrapping-float-to-int --enable-mutable-globals
$(WASM): $(CORE_SRC) $(shell find cmd/wasmpack internal/wasmpack -name '*.go' -not -name '*_test.go') $(WASM_OPT)
	@mkdir -p $(BUILD)
	GOTOOLCHAIN=$(WASM_GO) GOOS=wasip1 GOARCH=wasm $(GO) build $(WASM_FLAGS) -o $(BUILD)/core.link.wasm ./wasm
	$(GO) run ./cmd/wasmpack -o $(BUILD)/core.packed.wasm $(BUILD)/core.link.wasm
	$(NODE) $(WASM_OPT) $(WASM_OPT_FLAGS) $(BUILD)/core.packed.wasm -o $@

$(WASM_OPT): tools/wasm-opt/package.json tools/wasm-opt/package-lock.json
	cd tools/wasm-opt && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## bundle: the files to copy into the game (build/game/ramfarm/...)
bundle: $(WASM)
	$(GO) run ./cmd/ramfarm bundle --wasm $(WASM) --out $(GAME)

## dist: the release players install from the game's terminal (committed)
dist: $(WASM)
	$(GO) run ./cmd/ramfarm dist --wasm $(WASM) --out $(DIST)

# check-dist fails when the committed dist/ is not what these sources build.
check-dist: $(WASM)
	$(GO) run ./cmd/ramfarm dist --check --wasm $(WASM) --out $(DIST)

## sim: the default simulated game run (real scripts, real module): a table
## on stdout, progress on stderr, the chart in build/sim/<scenario>.svg
sim: $(WASM)
	$(GO) run ./cmd/ramfarm sim --wasm $(WASM)

## soak: seeded fault runs, every invariant checked on every game second:
## SOAK_RUNS runs (1000) of SOAK_DURATION game time each (90s of the soak
## scenario, a fault every SOAK_EVERY on average), from seed SOAK_SEED;
## about 30 CPU minutes
SOAK_RUNS ?= 1000
SOAK_SEED ?= 1
SOAK_DURATION ?= 90s
SOAK_EVERY ?= 6s
soak: $(WASM)
	$(GO) run ./cmd/ramfarm soak --wasm $(WASM) --runs $(SOAK_RUNS) --seed $(SOAK_SEED) --duration $(SOAK_DURATION) --every $(SOAK_EVERY)

## test: everything CI checks but test-browser
test: purity check-gen vet bundle check-dist test-go test-js test-wasm

test-go: $(WASM)
	RAMFARM_WASM=$(abspath $(WASM)) $(GO) test -count=1 ./...

test-js: bundle
	$(NODE) --import ./jsglue/test/register.mjs --test jsglue/test/*.test.mjs

# core/ and bridge/ tests also run compiled to WebAssembly: the target we
# ship is the target we test. (bridge/host is the Go side that loads the
# module, so it runs natively only.)
test-wasm: $(WASIRUN)
	GOOS=wasip1 GOARCH=wasm $(GO) test -count=1 -exec $(abspath $(WASIRUN)) \
	  $$($(GO) list ./core/... ./bridge/... | grep -v '/bridge/host$$')

## test-browser: the loader and the real module in headless Chromium, the
## game's engine (installs Debian's chromium when it is missing)
test-browser: bundle
	@scripts/need-chromium
	$(GO) run ./jsglue/browser --game $(GAME)

$(WASIRUN): $(shell find cmd/wasirun -name '*.go') go.mod
	@mkdir -p $(BUILD)
	$(GO) build -o $@ ./cmd/wasirun

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...

# core/ is pure: no clock, randomness, OS, printing or goroutines of its
# own (STYLE.md). A machine checks it, not a reviewer.
BANNED_IMPORTS := time math/rand math/rand/v2 os os/exec net net/http fmt log syscall sync unsafe crypto/rand
purity:
	@bad=$$($(GO) list -f '{{.ImportPath}}: {{join .Imports " "}}' ./core/... | \
	  awk -v banned="$(BANNED_IMPORTS)" 'BEGIN{n=split(banned,b," ")} {for(i=2;i<=NF;i++) for(j=1;j<=n;j++) if($$i==b[j]) print $$1" imports "$$i}'); \
	  if [ -n "$$bad" ]; then echo "$$bad"; echo "purity: core/ must not do I/O, read clocks or use randomness"; exit 1; fi
	@if grep -rn --include='*.go' --exclude='*_test.go' -E '^\s*go\s+(func|[A-Za-z_][A-Za-z0-9_.]*\()' core; then \
	  echo "purity: core/ must not start goroutines"; exit 1; fi
	@echo "purity: core/ is pure"

## gen: regenerate jsglue/lib/protocol.js and each service's <role>wire.js from the bridge schema
gen:
	$(GO) run ./bridge/cmd/genjs

check-gen:
	$(GO) run ./bridge/cmd/genjs -check

## bench: allocator step cost (native and through wazero), module size,
## and one memory-daemon step (1 tick + 10 allocations + 10 releases, 100
## workers, 500 live allocations) in V8 through the real memd.js, natively
## and through wazero (the same batches, recorded by the V8 run)
BENCH := $(BUILD)/bench
bench: bundle
	@$(MAKE) --no-print-directory wasm
	@mkdir -p $(BENCH)
	$(NODE) --import ./jsglue/test/register.mjs jsglue/bench/memd-step.mjs --record $(BENCH)/memd-trace.txt | tee $(BENCH)/v8.txt
	RAMFARM_MEMD_TRACE=$(abspath $(BENCH))/memd-trace.txt RAMFARM_WASM=$(abspath $(WASM)) \
	  $(GO) test -run '^$$' -bench . -benchmem ./core/memory/ ./bridge/... | tee $(BENCH)/go.txt
	@awk '/^memd step in V8/ { for (i = 1; i < NF; i++) if ($$(i+1) == "µs/step" && $$(i+2) == "CPU") v8 = $$i } \
	  /^BenchmarkMemdStep_native/ { nat = $$3 / 1000 } /^BenchmarkMemdStep_wasm/ { wz = $$3 / 1000 } \
	  END { printf "memd step (1 tick + 10 allocs + 10 releases, 100 workers, 500 allocations): V8 %.1f µs, native Go %.1f µs, wazero %.1f µs; V8/native %.2fx\n", v8, nat, wz, v8 / nat }' \
	  $(BENCH)/v8.txt $(BENCH)/go.txt

## fuzz: every fuzz target (go test -list finds them) for FUZZTIME each,
## one after another; make test replays their committed corpora
FUZZTIME ?= 60s
fuzz: $(WASM)
	@targets=$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ {n[++c] = $$1} /^ok/ {for (i = 1; i <= c; i++) print $$2 ":" n[i]; c = 0}'); \
	  for t in $$targets; do \
	    echo "== $${t#*:} ($${t%%:*}, $(FUZZTIME))"; \
	    RAMFARM_WASM=$(abspath $(WASM)) $(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) $${t%%:*} || exit 1; \
	  done

clean:
	rm -rf $(BUILD) tools/wasm-opt/node_modules

# ccsig — top-level entry points. `make run` and `make test` are all a new
# machine needs: both install missing Debian packages first (scripts/bootstrap).
#
#   make run     build (release) and run the main job on the bundled sample
#   make test    build with ASan+UBSan and run every test through ctest (fuzz
#                targets replayed over their seeds included), then the threaded
#                parts under ThreadSanitizer (make test-tsan, build-tsan)
#   make bench   build (release) and run the benchmark programs in bench/
#   make fuzz    build the libFuzzer targets with clang, run each FUZZ_SECONDS
#   make fuzz-smoke  the same for 5 s each (FUZZ_SMOKE_SECONDS)
#   make format  rewrite the sources with clang-format
#   make install PREFIX=/usr/local   build (release) and install bin/ccsig,
#                the libraries (shared and static), pkg-config files, headers
#                and man pages under PREFIX (DESTDIR is honoured)
#   make clean   remove the build directories

BUILD       ?= build
SAN_BUILD   ?= build-san
TSAN_BUILD  ?= build-tsan
FUZZ_BUILD  ?= build-fuzz
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
PREFIX      ?= /usr/local
FUZZ_SMOKE_SECONDS ?= 5
CCSIG       := $(BUILD)/programs/ccsig

.PHONY: all bootstrap build run test test-tsan bench fuzz fuzz-smoke format install clean

all: build

bootstrap:
	@./scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@./scripts/run-sample $(CCSIG)

test: bootstrap
	@cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCCSIG_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_BUILD) -j $(JOBS)
	@ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)
	@# Conformance runners print their own counts; ctest hides a passing test's output.
	@grep -h -E "suite: [0-9]+ passed, [0-9]+ failed" $(SAN_BUILD)/Testing/Temporary/LastTest.log || true
	@# pytest's summary line (python.pytest).
	@grep -h -E "^=* ?[0-9]+ passed.* in [0-9.]+s" $(SAN_BUILD)/Testing/Temporary/LastTest.log | sed 's/^/python.pytest: /' || true
	@$(MAKE) --no-print-directory test-tsan

# The threaded parts under ThreadSanitizer (tests labelled tsan, see
# tests/CMakeLists.txt); part of make test.
test-tsan: bootstrap
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCCSIG_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target tsan_tests
	@ctest --test-dir $(TSAN_BUILD) --output-on-failure -j $(JOBS) -L tsan

# A short real libFuzzer run of every target (needs clang), FUZZ_SMOKE_SECONDS
# each; not part of make test (see the fuzz-replay tests for what is).
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)

bench: build
	@./bench/run-all $(BUILD)

fuzz: bootstrap
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCSIG_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@./fuzz/run-all $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

format:
	@clang-format -i $$(find include lib programs tests fuzz bench server -name '*.[ch]' 2>/dev/null)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)

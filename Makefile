# Front door. On a fresh Debian 12 machine (root or sudo):
#   make demo   install what is needed, build, run the demo
#   make test   install what is needed, build, run the whole test suite
# Everything builds into build/ (build-asan/ and build-tsan/ for the sanitizer runs,
# build-image/ for the OS image).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
BENCH_BUILD ?= build-bench
IMAGE_BUILD ?= build-image
FUZZ_SECONDS ?= 20
# A fixed seed keeps `make test` repeatable; FUZZ_SEED=0 picks a new one each run.
FUZZ_SEED ?= 1
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps test-deps configure build demo test test-fast test-asan test-tsan test-fuzz \
  test-contract bench format tidy clean

all: build

deps:
	scripts/install-deps build

test-deps:
	scripts/install-deps build test

configure:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: deps
	$(MAKE) build
	scripts/demo $(BUILD)

# The whole suite: every test under AddressSanitizer + UndefinedBehaviorSanitizer (the
# benchmarks are compiled there too), the tests of the worker threads under
# ThreadSanitizer, then a bounded run of every fuzzer. The same tests on the normal
# build: `make build test-fast`.
test: test-deps
	scripts/package-versions
	scripts/timed $(MAKE) test-asan
	scripts/timed $(MAKE) test-tsan
	scripts/timed $(MAKE) test-fuzz

test-fast:
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure --timeout 600

test-asan:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=address,undefined
	scripts/timed cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	  ctest --test-dir $(ASAN_BUILD) -j $(JOBS) --output-on-failure --timeout 900

# The API contract alone: docs/api/openapi.yaml through the linter, and a real terminal's
# sync with the real kiosk-central through a validating proxy (label "contract"; the npm
# tools come from tests/contract/package-lock.json via scripts/install-deps test).
test-contract: test-deps configure
	cmake --build $(BUILD) -j $(JOBS) --target kiosk kiosk-central kiosk_contract_tests
	ctest --test-dir $(BUILD) -L contract --output-on-failure --timeout 600

# Only the test programs of the threaded parts are built (label "threads"), at -O1 with line
# tables only (-g1): a report still names file and line, and the build takes half the time
# of -O2 -g.
TSAN_TESTS = kiosk_ui_tests kiosk_devices_camera_itests kiosk_devices_printing_tests \
  kiosk_sync_tests kiosk_central_server_tests kiosk_security_tests
test-tsan:
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_SANITIZE=thread \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DKIOSK_BUILD_BENCH=OFF
	scripts/timed cmake --build $(TSAN_BUILD) -j $(JOBS) --target $(TSAN_TESTS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp \
	  ctest --test-dir $(TSAN_BUILD) -L threads -j $(JOBS) --output-on-failure --timeout 900

# Line tables only (-g1): a crash still names file and line.
FUZZERS = token_fuzzer guest_csv_fuzzer config_fuzzer sync_json_fuzzer script_fuzzer
test-fuzz:
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
	  -DKIOSK_SANITIZE=address,undefined,fuzzer-no-link -DKIOSK_BUILD_FUZZERS=ON \
	  -DKIOSK_BUILD_TESTS=OFF -DKIOSK_BUILD_BENCH=OFF -DKIOSK_BUILD_UI=OFF
	scripts/timed cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZERS)
	scripts/run-fuzzers $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_SEED)

# Optimised build of its own, so that build/ keeps its configuration.
bench: deps
	$(MAKE) build BUILD=$(BENCH_BUILD) BUILD_TYPE=Release
	bench/run $(BENCH_BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: configure
	git ls-files 'kiosk/*.cpp' 'offline-cache/*.cpp' 'devices/*.cpp' 'ui/*.cpp' 'central/*.cpp' | \
	  xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) $(BENCH_BUILD) $(IMAGE_BUILD)

# The kiosk OS image (image/): a raw UEFI disk built from the project's .deb and Debian
# packages (needs root: mmdebstrap), and its boot test under qemu (software emulation:
# slow; run by .ci/run after `make test`).
.PHONY: image-deps image-configure image image-test image-update-test image-tpm-test
image-deps:
	scripts/install-deps build image

# The image's programs: optimised, without debug information (the package is stripped, and
# -g was a third of their compile time) and without the tests.
image-configure:
	cmake -S . -B $(IMAGE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DKIOSK_BUILD_TESTS=OFF \
	  -DKIOSK_BUILD_BENCH=OFF $(CMAKE_ARGS)

image: image-deps image-configure
	scripts/timed image/build $(IMAGE_BUILD)

image-test: image
	scripts/timed image/boot-test $(IMAGE_BUILD)

# The parts of the boot test kept out of .ci/run for time (each boot is minutes of software
# emulation). The update part: A to B, and a broken bundle falling back (several boots and
# two bundle installs, tens of minutes). The TPM part: the disk in a machine with another
# TPM (not unlocked; then opened with the recovery key) and a machine without a TPM
# (refused): three more boots.
image-update-test: image
	KIOSK_BOOT_TEST_PHASES=update image/boot-test $(IMAGE_BUILD)

image-tpm-test: image
	KIOSK_BOOT_TEST_PHASES=tpm image/boot-test $(IMAGE_BUILD)

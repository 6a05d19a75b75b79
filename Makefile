# Front door. On a fresh Debian 12 machine (root or sudo):
#   make demo   install what is needed, build, run the demo
#   make test   install what is needed, build, run the whole test suite
# Everything builds into build/ (and build-asan/ for the sanitizer run).

BUILD      ?= build
ASAN_BUILD ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: all deps test-deps configure build demo test test-fast test-asan bench format tidy clean

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

# The whole suite: every test of the normal build, then the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-deps
	$(MAKE) build
	$(MAKE) test-fast
	$(MAKE) test-asan

test-fast:
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure --timeout 600

test-asan:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKIOSK_SANITIZE=address,undefined \
	  -DKIOSK_BUILD_UI=OFF -DKIOSK_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) -L unit -j $(JOBS) --output-on-failure --timeout 600

bench: deps
	$(MAKE) build BUILD_TYPE=Release
	bench/run $(BUILD)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

tidy: configure
	git ls-files 'kiosk/*.cpp' 'offline-cache/*.cpp' 'devices/*.cpp' 'ui/*.cpp' 'central/*.cpp' | \
	  xargs clang-tidy -p $(BUILD) --quiet

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

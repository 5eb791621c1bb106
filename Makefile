# kiln's front door. `make demo` and `make test` work on a fresh Debian 12 as root.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
# ccache: paths relative to the checkout, so a fresh clone elsewhere (CI) reuses objects.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

# Everything kiln needs from Debian: toolchain and libraries to build, the real
# tools the runner drives, and what the tests and demo start (ipmi_sim, python3
# with jsonschema for validating OCPTV streams and reports).
# (No logging or micro-benchmark library: kiln logs through its own logfmt writer, bench/ has plain
# programs; spdlog and Google Benchmark were installed and never used, so they are not listed.)
BUILD_PACKAGES := build-essential cmake ninja-build ccache pkg-config \
  libboost1.81-dev libboost-filesystem1.81-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev \
  libsqlite3-dev libpq-dev libssl-dev zlib1g-dev libgtest-dev libgmock-dev
# The libFuzzer targets (fuzz/, `fuzz` preset) build with clang.
FUZZ_PACKAGES := clang libfuzzer-14-dev
TOOL_PACKAGES := ipmitool openipmi stress-ng fio smartmontools e2fsprogs iperf3 dmidecode ethtool \
  util-linux iproute2 iputils-ping procps memtester stressapptest postgresql ironic-common curl \
  python3-keystone
# promtool (prometheus) checks /metrics; the dashboard is tested in a real headless Chromium.
TEST_PACKAGES := python3 python3-jsonschema python3-yaml prometheus chromium chromium-driver python3-selenium poppler-utils
# make package and its test (tests/packaging): a Debian 12 root, booted with systemd-nspawn; lintian.
PACKAGE_TEST_PACKAGES := mmdebstrap systemd-container lintian
# The boot image (image/build.sh) and its QEMU tests (tests-hw/): tools the image
# carries beyond TOOL_PACKAGES, what packs it (cpio, zstd, GRUB, xorriso), and
# QEMU with UEFI firmware. Debian's kernel is downloaded (apt-get download), not installed.
IMAGE_PACKAGES := busybox-static nvme-cli hdparm sg3-utils efibootmgr kmod file binutils cpio zstd ca-certificates \
  grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools qemu-system-x86 qemu-utils ovmf
PACKAGES := $(BUILD_PACKAGES) $(FUZZ_PACKAGES) $(TOOL_PACKAGES) $(TEST_PACKAGES) $(PACKAGE_TEST_PACKAGES) $(IMAGE_PACKAGES)

.PHONY: all deps build build-asan build-fuzz image test test-asan test-fuzz demo clean format package catalog-docs

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "make deps: all $(words $(PACKAGES)) Debian packages present"; exit 0; fi; \
	echo "make deps: installing$$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get install needs it)"; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS)

build-asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)

# kiln-fuzz and only the libraries it links (clang, ASan + UBSan): fuzz/README.md.
build-fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)

# build/image: kiln.kernel, kiln.initramfs, kiln.iso (image/README.md); rebuilt only when an input changed.
image: build
	./image/build.sh --runner build/bin/kiln-runner --out build/image

# Debian packages in build-package/packages (docs/install.md): kiln-common, kiln-orchestrator,
# kiln-runner, and kiln-image when build/image holds `make image` output (it is not built here).
# The version comes from git describe; file dates from the commit, so a rebuild is byte-identical.
package: deps
	cmake --preset package -DKILN_PACKAGE_VERSION=$$(./packaging/version.sh $$(sed -n 's/^project(kiln VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt))
	cmake --build --preset package -j $(JOBS)
	rm -rf build-package/packages
	cd build-package && SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) cpack -G DEB
	@ls -l build-package/packages/*.deb

# The hw tests (label hw) boot build/image in QEMU; then every fuzz target
# replays its corpus and fuzzes a few seconds (label fuzz, build-fuzz/).
test: build image build-fuzz
	ctest --preset default -j $(JOBS)
	ctest --preset fuzz -j $(JOBS) -L fuzz

test-fuzz: build-fuzz
	ctest --preset fuzz -j $(JOBS) -L fuzz

# Under ASan + UBSan: the unit tests, and the integration tests labelled "sanitize" (a real
# orchestrator, Ironic and runner: pass, fail, kill9, down30, TLS, odd paths, the agent steps).
test-asan: build-asan
	ctest --preset asan -j $(JOBS) -L '^(unit|sanitize)$$'

demo: build
	./scripts/demo.sh

# Rewrites what the build generates from the catalog (common/src/catalog/): the config
# schema and the parameter tables of docs/stages.md; the unit test catalog.generated_files_in_sync
# fails until they are committed.
catalog-docs:
	cmake --build --preset default --target kiln-catalog-docs
	build/bin/kiln-catalog-docs --write .

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build build-asan build-fuzz

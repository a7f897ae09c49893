# vox build. `make run` installs what is missing, builds and starts voxd on 127.0.0.1:8080;
# `make test` installs, builds and runs every test (also under ASan+UBSan).
#
# Conventions (no edits needed when adding files):
#   src/**/*.c except src/main.c  -> build/libvox.a
#   src/main.c                    -> build/voxd
#   tools/voxctl/*.c              -> build/voxctl
#   tools/vox-bench/*.c           -> build/vox-bench (media load generator, links libopus)
#   tests/unit/<dir>/test_*.c     -> build/tests/<dir>/test_*  (cmocka, one binary per file)
#   fuzz/<name>.c (not driver.c)  -> build/fuzz/<name>  (linked with fuzz/driver.c, replays
#                                    fuzz/corpus/<name>/); `make fuzz-libfuzzer` builds real
#                                    libFuzzer binaries with clang into build-fuzz/.
CC      ?= cc
BUILD   ?= build
SAN     ?=
PKGS    := libuv jansson sqlite3 libssl libcrypto zlib opus
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wvla -Wimplicit-fallthrough -Werror
OPT     ?= -O2 -g
CFLAGS  := $(OPT) -std=gnu11 $(WARN) -Isrc -D_GNU_SOURCE -MMD -MP $(EXTRA_CFLAGS) \
           -DVOX_WEB_DIR='"$(CURDIR)/web"'
# SRTP: libsrtp2 built on OpenSSL by scripts/deps.sh into .deps/srtp when it is there; else
# Debian's, built on NSS, which rtp_crypto.c then starts itself with settings that keep its
# per-packet key lookup flat as sessions grow (see rtp_crypto.c and scripts/deps.sh).
SRTP_DIR := $(CURDIR)/.deps/srtp
ifneq ($(wildcard $(SRTP_DIR)/lib/libsrtp2.a),)
CFLAGS  += -I$(SRTP_DIR)/include
SRTP_LIBS := $(SRTP_DIR)/lib/libsrtp2.a
else
PKGS    += libsrtp2
ifneq ($(findstring nss3,$(shell pkg-config --static --libs libsrtp2 2>/dev/null)),)
PKGS    += nss
CFLAGS  += $(shell pkg-config --cflags nss 2>/dev/null) -DVOX_SRTP_NSS
endif
endif
LDLIBS  := $(SRTP_LIBS) $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser -lwslay -lpthread -lm
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC    := $(filter-out src/main.c,$(wildcard src/*/*.c src/*/*/*.c))
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
CTL_SRC    := $(wildcard tools/voxctl/*.c)
VBENCH_SRC := $(wildcard tools/vox-bench/*.c)
UNIT_SRC   := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_TARGETS := $(filter-out fuzz/driver.c,$(wildcard fuzz/*.c))
FUZZ_BIN   := $(FUZZ_TARGETS:fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all deps run test check unit fuzz-bins fuzz-libfuzzer format format-check bench chaos soak clean

all: $(BUILD)/voxd $(BUILD)/voxctl $(BUILD)/vox-bench

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libvox.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/voxd: $(BUILD)/src/main.o $(BUILD)/libvox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/voxctl: $(CTL_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libvox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcurl

$(BUILD)/vox-bench: $(VBENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/libvox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lopus

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libvox.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(BUILD)/fuzz/driver.o $(BUILD)/libvox.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BIN)
fuzz-bins: $(FUZZ_BIN)

deps:
	@sh scripts/deps.sh

# deps runs first and the build in a sub-make, because LDLIBS comes from pkg-config when the
# Makefile is read: on a fresh machine the libraries exist only after deps. --dev lets the demo
# app at http://127.0.0.1:8080/ mint its own tokens (voxd allows it on loopback only).
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p data
	./$(BUILD)/voxd --listen 127.0.0.1:8080 --data-dir ./data --dev

# The whole suite: normal build, then again under ASan+UBSan. Ends with "N passed, N failed".
test: deps
	@bash tests/run.sh

check: test

# Malformed HTTP/WebSocket traffic against the ASan build (CHAOS_SECONDS, CHAOS_SEED).
chaos: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 OPT="-O1 -g" all
	VOXD=$(CURDIR)/build-asan/voxd node --test tests/chaos/

# Ten minutes of chaos beside 1,000 churning WebSocket clients against the ASan build
# (SOAK_SECONDS, SOAK_CLIENTS, SOAK_SEED); the quarantine is kept small so RSS measures voxd.
soak: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 OPT="-O1 -g" all
	ulimit -n 8192 2>/dev/null || ulimit -n "$$(ulimit -Hn)"; \
	ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16 VOXD=$(CURDIR)/build-asan/voxd node tests/soak/soak.mjs

fuzz-libfuzzer:
	@bash fuzz/build-libfuzzer.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d
-include $(VBENCH_SRC:%.c=$(BUILD)/%.d)

# iopat — build, test, bench, install, deps.
# Quiet by default; `make V=1` shows every command.

CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
PREFIX ?= /usr/local

BUILD := build
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wformat=2 \
	  -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Iinclude -Iuser/core $(SAN_CFLAGS)
# generated dependencies: a header change rebuilds what includes it
DEPFLAGS = -MMD -MP
LDLIBS := -lbpf -lelf -lz -lzstd -lncursesw -linih -lmicrohttpd -lpthread -lm
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
	      -Iinclude -Ivendor -Wall -Wno-unused-function

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all clean test unit bats bench deps install man vmlinux fuzz fuzz-corpus matrix asan

# Debian packages needed to build, test and benchmark.
DEB_PKGS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev \
	libncurses-dev bats bats-assert bats-support libcmocka-dev \
	libzstd-dev libmicrohttpd-dev libinih-dev fio jq pkg-config \
	bpftrace tmux util-linux e2fsprogs procps libxml2-utils time \
	python3 python3-numpy python3-pandas python3-sklearn python3-torch \
	libopenblas0-pthread strace chromium help2man man-db bash-completion \
	prometheus curl

BPF_OBJS := $(BUILD)/iopat.bpf.o $(BUILD)/record.bpf.o
SKELS := $(BUILD)/iopat.skel.h $(BUILD)/record.skel.h

# user/core: pure modules (no BPF, no terminal, no /proc), unit-tested
# without root and linked into the unit tests alone, so a dependency on
# libbpf or ncurses there fails the build. user/app: the kernel, the
# terminal, /proc and the commands. Both lists come from the folders.
CORE_SRCS := $(wildcard user/core/*.c)
APP_SRCS := $(wildcard user/app/*.c)
CORE_OBJS := $(CORE_SRCS:user/core/%.c=$(BUILD)/core/%.o)
APP_OBJS := $(APP_SRCS:user/app/%.c=$(BUILD)/app/%.o)
DEPS = $(CORE_OBJS:.o=.d) $(APP_OBJS:.o=.d) $(UNIT_TESTS:=.d)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(wildcard tests/workloads/*.c))
# i386 programs, no C library: the system calls of 32-bit tasks
WORKLOADS += $(patsubst tests/workloads32/%.c,$(BUILD)/workloads/%,$(wildcard tests/workloads32/*.c))

all: $(BUILD)/iopat $(WORKLOADS)

$(BUILD) $(BUILD)/core $(BUILD)/app:
	$(Q)mkdir -p $(BUILD) $(BUILD)/tests $(BUILD)/workloads $(BUILD)/core $(BUILD)/app

$(BUILD)/%.bpf.o: bpf/%.bpf.c include/iopat.h $(wildcard bpf/*.bpf.h) vendor/vmlinux.h | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/app/collector.o $(BUILD)/app/record.o: $(SKELS)

# core sees its own headers and include/ only; app sees core's too, and
# the generated skeletons
$(BUILD)/core/%.o: user/core/%.c | $(BUILD)/core
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/app/%.o: user/app/%.c | $(BUILD)/app
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Iuser/app -I$(BUILD) -c $< -o $@

-include $(DEPS)

$(BUILD)/iopat: $(APP_OBJS) $(CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(CORE_OBJS) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $< $(CORE_OBJS) -lcmocka -linih -lz -lzstd -lm -o $@

# Workloads are static: no shared-library reads of their own to account.
$(BUILD)/workloads/%: tests/workloads/%.c $(wildcard tests/workloads/*.h) | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< -o $@

$(BUILD)/workloads/%: tests/workloads32/%.c | $(BUILD)
	$(call msg,CC32,$@)
	$(Q)$(CC) -m32 -O2 -Wall -ffreestanding -fno-pic -fno-stack-protector -nostdlib \
		-static $< -o $@

# vendor/vmlinux.h is committed; regenerate it from the running kernel.
vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vendor/vmlinux.h

# Install every Debian package the build, tests and benchmark need;
# does nothing when all are present.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

unit: $(UNIT_TESTS)
	@fail=0; for t in $(UNIT_TESTS); do $$t || fail=1; done; exit $$fail

# iopat with AddressSanitizer and UBSan, for the exporter's bad-client test.
asan:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/asan \
		SAN_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" $(BUILD)/asan/iopat

# Every test, then the accuracy tests again next to an untraced load.
bats: all asan
	bats tests/bats
	IOPAT_BG_LOAD=1 bats --filter-tags accuracy tests/bats

# The stage workloads (written for the tests, and real frameworks) and one
# confusion matrix of all their verdicts, with reasons.
matrix: deps all
	@: >$(BUILD)/confusion.tsv; st=0; \
	IOPAT_CONFUSION=$(abspath $(BUILD))/confusion.tsv bats tests/bats/classify.bats \
		tests/bats/frameworks.bats || st=$$?; \
	bash -c '. tests/bats/confusion.bash && print_confusion $(BUILD)/confusion.tsv' | sed 's/^# //'; \
	exit $$st

test: deps
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory bats

# The benchmark's floor: an empty program on iopat's system-call hook.
$(BUILD)/bench/empty.bpf.o: tests/bench/empty.bpf.c vendor/vmlinux.h | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(BUILD)/bench
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/empty.skel.h: $(BUILD)/bench/empty.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/bench/empty_hook: tests/bench/empty_hook.c $(BUILD)/bench/empty.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -I$(BUILD)/bench $< -lbpf -lelf -lz -o $@

bench: deps all $(BUILD)/bench/empty_hook
	tests/bench.sh

# The trace reader under libFuzzer with ASan and UBSan (clang); not part
# of `make test`. New inputs go to build/fuzz/corpus, crashes, leaks and
# hangs to build/fuzz-crashes/.
FUZZ_SECONDS ?= 300
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	       -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser/core -Itests/fuzz
FUZZ_SRCS := $(addprefix user/core/,trace_reader.c trace_writer.c replay.c aggregate.c \
	     idxmap.c hist.c array.c)

$(FUZZ_DIR)/fuzz_trace_reader: tests/fuzz/fuzz_trace_reader.c tests/fuzz/chunk.h $(FUZZ_SRCS) \
			       $(wildcard user/core/*.h) include/iopat.h include/iopat_trace.h
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) -lz -lzstd -o $@

$(FUZZ_DIR)/make_corpus: tests/fuzz/make_corpus.c tests/fuzz/chunk.h tests/unit/trace_ev.h \
			 $(BUILD)/core/trace_writer.o
	$(call msg,CC,$@)
	$(Q)mkdir -p $(FUZZ_DIR)
	$(Q)$(CC) $(CFLAGS) -Itests/fuzz -Itests/unit $< $(BUILD)/core/trace_writer.o -lz -lzstd -o $@

fuzz: $(FUZZ_DIR)/fuzz_trace_reader $(FUZZ_DIR)/make_corpus
	@mkdir -p $(FUZZ_DIR)/corpus $(BUILD)/fuzz-crashes
	$< -max_len=65536 -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz-crashes/ $(FUZZ_DIR)/corpus tests/fuzz/corpus

# Rewrite the generated part of the committed seed corpus.
fuzz-corpus: $(FUZZ_DIR)/make_corpus
	$< tests/fuzz/corpus

# Manual pages, made by help2man from each command's --help (one source):
# iopat(1) and iopat-COMMAND(1). A command's NAME line is its line in
# `iopat --help`.
MAN_COMMANDS := top stat record report serve export
MANS := $(BUILD)/man/iopat.1 $(MAN_COMMANDS:%=$(BUILD)/man/iopat-%.1)

man: $(MANS)

$(BUILD)/man/iopat.1: $(BUILD)/iopat doc/man-help.sh doc/iopat.h2m
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)/bin
	$(Q)printf '#!/bin/sh\nexec sh "%s" "%s" "" "$$@"\n' "$(abspath doc/man-help.sh)" \
		"$(abspath $(BUILD)/iopat)" >$(@D)/bin/iopat && chmod +x $(@D)/bin/iopat
	$(Q)help2man --no-info --section=1 --include=doc/iopat.h2m \
		--name="$$($(BUILD)/iopat --help | sed -n '3s/\.$$//p')" \
		--output=$@ $(@D)/bin/iopat

$(BUILD)/man/iopat-%.1: $(BUILD)/iopat doc/man-help.sh doc/iopat-command.h2m
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)/bin
	$(Q)printf '#!/bin/sh\nexec sh "%s" "%s" %s "$$@"\n' "$(abspath doc/man-help.sh)" \
		"$(abspath $(BUILD)/iopat)" "$*" >$(@D)/bin/iopat-$* && chmod +x $(@D)/bin/iopat-$*
	$(Q)help2man --no-info --section=1 --include=doc/iopat-command.h2m \
		--name="$$($(BUILD)/iopat --help | awk '$$1 == "$*" { $$1 = ""; sub(/^ +/, ""); print }')" \
		--output=$@ $(@D)/bin/iopat-$*

# The binary, the manual pages, the bash completion and the systemd unit
# of `iopat serve` (put in place, not enabled: `systemctl enable --now
# iopat-serve`; its ExecStart names $(PREFIX)/bin/iopat); DESTDIR for
# staging.
install: $(BUILD)/iopat $(MANS)
	install -D -m 0755 $(BUILD)/iopat $(DESTDIR)$(PREFIX)/bin/iopat
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -D -m 0644 doc/iopat.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/iopat
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/local/bin/iopat|$(PREFIX)/bin/iopat|' contrib/systemd/iopat-serve.service \
		>$(DESTDIR)$(PREFIX)/lib/systemd/system/iopat-serve.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/iopat-serve.service

clean:
	rm -rf $(BUILD)

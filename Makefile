# divaviz - an allocator visualizer for the terminal.
#
#   make            build ./divaviz (objects under build/)
#   make run        build, then open traces/fragment.trc in the viewer
#   make check      build and run every test
#   make clean      remove what the build made
#   make install    install divaviz, its man page and the lesson traces under
#                   $(DESTDIR)$(PREFIX) (PREFIX defaults to /usr/local)
#   make uninstall  remove what make install installed (same DESTDIR and PREFIX)
#
# Missing build dependencies (pkg-config, ncursesw, check) are installed through
# tools/deps.sh before anything is compiled.

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE
DEPFLAGS = -MMD -MP
B       ?= build

VERSION  = 0.1.0
PREFIX  ?= /usr/local

# Recursively expanded on purpose: pkg-config is asked only after tools/deps.sh ran.
# ncursesw's own feature macros (_XOPEN_SOURCE=600) would clash with ours (700,
# which also turns on its wide-character API).
CURSES_CFLAGS = $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags ncursesw))
CURSES_LIBS   = $(shell pkg-config --libs ncursesw)
CHECK_CFLAGS  = $(shell pkg-config --cflags check)
CHECK_LIBS    = $(shell pkg-config --libs check)

BUILD_NEEDS = pc:ncursesw:libncurses-dev
CHECK_NEEDS = $(BUILD_NEEDS) pc:check:check cmd:python3:python3 cmd:tmux:tmux cmd:groff:groff-base \
	cmd:xmllint:libxml2-utils

ENGINE_SRC = $(wildcard src/engine/*.c)
TRACE_SRC  = $(wildcard src/trace/*.c)
REPORT_SRC = $(wildcard src/report/*.c)
UI_SRC     = $(wildcard src/ui/*.c)
LIB_SRC    = $(ENGINE_SRC) $(TRACE_SRC) $(REPORT_SRC) $(UI_SRC)
TEST_SRC   = $(wildcard tests/*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
MAIN_OBJ = $(B)/src/main.o
# divaviz gen: the generator's room, and its command line beside main.c
LIB_SRC  += $(wildcard src/gen/*.c)
MAIN_OBJ += $(B)/src/cmd_gen.o
TEST_OBJ = $(TEST_SRC:%.c=$(B)/%.o)
TEST_BIN = $(B)/tests/check_divaviz

.PHONY: all run check clean deps check-deps install uninstall
all: divaviz

deps:
	@sh tools/deps.sh $(BUILD_NEEDS)

check-deps:
	@sh tools/deps.sh $(CHECK_NEEDS)

divaviz: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS) $(LDLIBS)

$(B)/src/ui/%.o: src/ui/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) $(CURSES_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c | check-deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) $(CHECK_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -DDIVAVIZ_VERSION='"$(VERSION)"' -c -o $@ $<

$(TEST_BIN): $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(CURSES_LIBS) $(LDLIBS)

run: divaviz
	./divaviz traces/fragment.trc

# The tests find the binary and the traces relative to the top of the tree.
check: divaviz $(TEST_BIN) | check-deps
	DIVAVIZ=./divaviz $(TEST_BIN)

clean:
	rm -rf $(B) divaviz

BINDIR   = $(PREFIX)/bin
MAN1DIR  = $(PREFIX)/share/man/man1
TRACEDIR = $(PREFIX)/share/divaviz/traces
TRACES   = $(wildcard traces/*.trc)

install: divaviz
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MAN1DIR)" "$(DESTDIR)$(TRACEDIR)"
	install -m 755 divaviz "$(DESTDIR)$(BINDIR)/divaviz"
	install -m 644 docs/divaviz.1 "$(DESTDIR)$(MAN1DIR)/divaviz.1"
	install -m 644 $(TRACES) "$(DESTDIR)$(TRACEDIR)"

# Removes exactly what install put there; the shared directories (bin, man1) stay,
# share/divaviz goes only when nothing else is left in it.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/divaviz" "$(DESTDIR)$(MAN1DIR)/divaviz.1"
	for f in $(notdir $(TRACES)); do rm -f "$(DESTDIR)$(TRACEDIR)/$$f"; done
	rmdir "$(DESTDIR)$(TRACEDIR)" "$(DESTDIR)$(PREFIX)/share/divaviz" 2>/dev/null || true

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# ---- hostile input: sanitizers, valgrind, fuzzing (docs/testing.md) ----------------
#
#   make asan       build under AddressSanitizer and UBSan (build-asan/), run every test
#   make valgrind   memcheck over every trace under every policy, and the bad inputs
#   make fuzz       libFuzzer over the readers and the engine for FUZZ_SECONDS (60)

SANITIZE_NEEDS = cmd:clang:clang rt:asan:libclang-rt-dev
FUZZ_NEEDS     = cmd:clang:clang rt:fuzzer:libclang-rt-dev
VALGRIND_NEEDS = cmd:valgrind:valgrind

# The binary inside the build directory, for builds beside the main one.
$(B)/divaviz: $(LIB_OBJ) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CURSES_LIBS) $(LDLIBS)

SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# halt at the first error; leaks count; check's forked tests report for themselves
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99

.PHONY: asan valgrind fuzz
asan: | check-deps
	@sh tools/deps.sh $(SANITIZE_NEEDS)
	$(MAKE) B=build-asan CC=clang CFLAGS="-O1 -g $(SANITIZE)" \
		build-asan/divaviz build-asan/tests/check_divaviz
	$(SANITIZER_ENV) CK_TIMEOUT_MULTIPLIER=4 DIVAVIZ=build-asan/divaviz build-asan/tests/check_divaviz

valgrind: divaviz
	@sh tools/deps.sh $(VALGRIND_NEEDS)
	sh tools/memcheck.sh ./divaviz

FUZZ_SECONDS ?= 60
FUZZ_B   = build-fuzz
FUZZ_BIN = $(FUZZ_B)/fuzz_trace
FUZZ_SRC = fuzz/fuzz_trace.c $(ENGINE_SRC) $(TRACE_SRC) $(REPORT_SRC) $(filter-out src/ui/term.c,$(UI_SRC))

# Beyond ASan and UBSan, any unsigned wrap-around or value-changing conversion is a
# finding: the engine's address arithmetic must never wrap. The FNV hashes wrap on
# purpose (fuzz/ubsan.supp); those two checks must stay recoverable to be suppressed,
# and halt_on_error stops at every other report.
FUZZ_SANITIZE = -fsanitize=fuzzer,address,undefined,unsigned-integer-overflow,implicit-conversion \
	-fno-sanitize-recover=all -fsanitize-recover=unsigned-integer-overflow,implicit-conversion
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=fuzz/ubsan.supp

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard include/divaviz/*.h src/*/*.h) fuzz/ubsan.supp
	@sh tools/deps.sh $(FUZZ_NEEDS)
	@mkdir -p $(@D)
	clang $(WARN) $(CPPFLAGS) -O1 -g $(FUZZ_SANITIZE) -o $@ $(FUZZ_SRC)

# The seeds: the lessons, the fuzzer's own and the bad-input corpus. New inputs it
# finds go to $(FUZZ_B)/corpus and are kept for the next run; a crash, leak or hang
# stops it with a crash-*, leak-* or timeout-* file in $(FUZZ_B)/.
fuzz: $(FUZZ_BIN)
	@rm -rf $(FUZZ_B)/seeds
	@mkdir -p $(FUZZ_B)/corpus $(FUZZ_B)/seeds
	@cp traces/*.trc fuzz/seeds/* $(filter-out %.expect,$(wildcard tests/bad/*)) $(FUZZ_B)/seeds/
	$(FUZZ_ENV) $(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=8192 -dict=fuzz/trace.dict -artifact_prefix=$(FUZZ_B)/ -print_final_stats=1 \
		$(FUZZ_B)/corpus $(FUZZ_B)/seeds

clean: clean-beside
.PHONY: clean-beside
clean-beside:
	rm -rf build-asan $(FUZZ_B)

# ---- the recorder: libdivarec.so, which divaviz record preloads (docs/recording.md) ----
#
# A program of its own, built beside every divaviz binary ($(B)/divaviz too, so make
# asan's binary finds one). It links nothing of divaviz, and never a sanitizer: it
# runs inside programs that were not built with one.

REC_LIB    = libdivarec.so
REC_SRC    = $(wildcard src/rec/*.c)
REC_OBJ    = $(REC_SRC:src/rec/%.c=$(B)/rec/%.o)
REC_CFLAGS = $(filter-out -fsanitize% -fno-sanitize%,$(CFLAGS)) -fPIC -fvisibility=hidden
REC_LIBDIR = $(PREFIX)/lib/divaviz

divaviz: | $(REC_LIB)
$(B)/divaviz: | $(B)/$(REC_LIB)

$(REC_LIB) $(B)/$(REC_LIB): $(REC_OBJ)
	$(CC) $(REC_CFLAGS) $(LDFLAGS) -shared -o $@ $^ -ldl -lpthread

$(B)/rec/%.o: src/rec/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CPPFLAGS) -D_GNU_SOURCE $(REC_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# divaviz record: the command line's half, and where it looks for the library last
RECORD_OBJ = $(B)/src/cmd_record.o $(B)/src/record_raw.o
divaviz $(B)/divaviz: $(RECORD_OBJ)
$(TEST_BIN): $(B)/src/record_raw.o
$(B)/src/cmd_record.o: CPPFLAGS += -DREC_INSTALLED='"$(REC_LIBDIR)/$(REC_LIB)"'

.PHONY: install-recorder uninstall-recorder clean-recorder
install: install-recorder
uninstall: uninstall-recorder
clean: clean-recorder

install-recorder: $(REC_LIB)
	install -d "$(DESTDIR)$(REC_LIBDIR)"
	install -m 755 $(REC_LIB) "$(DESTDIR)$(REC_LIBDIR)/$(REC_LIB)"

uninstall-recorder:
	rm -f "$(DESTDIR)$(REC_LIBDIR)/$(REC_LIB)"
	rmdir "$(DESTDIR)$(REC_LIBDIR)" 2>/dev/null || true

clean-recorder:
	rm -f $(REC_LIB)

-include $(REC_OBJ:.o=.d) $(RECORD_OBJ:.o=.d)

# ---- make bench: the benchmark table (docs/performance.md) ----------------------------
#
#   make bench      replay, jump, frame and memory costs of every allocator on a generated
#                   trace of BENCH_OPS operations (and on recorded ones when `divaviz
#                   record` exists), against the C library's malloc; a table, never a test

BENCH_OPS      ?= 1000000
BENCH_POLICIES ?= bump first next best worst segregated
BENCH_TIMEOUT  ?= 600
BENCH_BASE_OBJ = $(B)/tools/bench.o $(ENGINE_SRC:%.c=$(B)/%.o) $(TRACE_SRC:%.c=$(B)/%.o)
BENCH_VIEW_OBJ = $(B)/tools/bench-view.o $(B)/tools/bench.o $(filter-out $(B)/src/ui/term.o,$(LIB_OBJ))
BENCH_TOOLS    = $(B)/tools/replay-libc $(B)/tools/bench-run $(B)/tools/bench-view

$(B)/tools/replay-libc $(B)/tools/bench-run: $(B)/tools/%: $(B)/tools/%.o $(BENCH_BASE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tools/bench-view: $(BENCH_VIEW_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: bench
bench: divaviz $(BENCH_TOOLS)
	@sh tools/deps.sh cmd:python3:python3
	@B=$(B) BENCH_OPS=$(BENCH_OPS) BENCH_POLICIES="$(BENCH_POLICIES)" BENCH_TIMEOUT=$(BENCH_TIMEOUT) \
		sh tools/bench.sh

-include $(BENCH_TOOLS:=.d) $(B)/tools/bench.d

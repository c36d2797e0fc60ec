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
CHECK_NEEDS = $(BUILD_NEEDS) pc:check:check cmd:python3:python3 cmd:tmux:tmux cmd:groff:groff-base

ENGINE_SRC = $(wildcard src/engine/*.c)
TRACE_SRC  = $(wildcard src/trace/*.c)
REPORT_SRC = $(wildcard src/report/*.c)
UI_SRC     = $(wildcard src/ui/*.c)
LIB_SRC    = $(ENGINE_SRC) $(TRACE_SRC) $(REPORT_SRC) $(UI_SRC)
TEST_SRC   = $(wildcard tests/*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
MAIN_OBJ = $(B)/src/main.o
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

#!/bin/sh
# tools/bench.sh - make bench: what replaying, jumping, drawing and memory cost,
# for every allocator, as a table (docs/performance.md says what each column is).
#
# A table, never a test: a missed target is a row's last column, not a failure. The
# script fails (exit 1) only when something could not run. Run by `make bench`, which
# builds ./divaviz and the helpers in $B/tools first:
#
#   BENCH_OPS          operations in the generated trace (default 1000000)
#   BENCH_POLICIES     allocators, space-separated (default all six)
#   BENCH_TIMEOUT      seconds any one run may take before it is killed and shown
#                      as "> N s" (default 600)
#   B                  the build directory (default build); traces go to $B/bench
#   DIVAVIZ            the binary (default ./divaviz)
set -u
B=${B:-build}
bin=${DIVAVIZ:-./divaviz}
ops=${BENCH_OPS:-1000000}
policies=${BENCH_POLICIES:-bump first next best worst segregated}
limit=${BENCH_TIMEOUT:-600}
# 60,000 blocks live at the peak; a short trace (divaviz gen wants --live reachable
# within -n) keeps half its operations live.
live=60000
[ "$ops" -ge $((2 * live)) ] || live=$((ops / 2))
dir=$B/bench
tools=$B/tools
mkdir -p "$dir" || exit 1

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

# The value of KEY in a "key value" file.
get() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# run NAME COMMAND... - COMMAND under bench-run: its output in $dir/NAME.out, its
# time, memory and status in $dir/NAME.run. Only a failure to run stops the bench.
run() {
	name=$1
	shift
	"$tools/bench-run" -t "$limit" -o "$dir/$name.run" "$@" >"$dir/$name.out" 2>"$dir/$name.err" ||
		die "cannot run $*"
	status=$(get status "$dir/$name.run")
	case $status in
	0 | timeout) ;;
	*) sed 's/^/    /' "$dir/$name.err" >&2; die "$* exited $status" ;;
	esac
}

# record NAME COMMAND... - records COMMAND with `divaviz record` into $dir/NAME*.trc
# and prints the largest trace it wrote (the process that allocated the most: gcc's
# cc1, not its driver).
record() {
	name=$1
	shift
	rm -f "$dir/$name".*trc "$dir/$name.trc"
	"$bin" record -o "$dir/$name.trc" -- "$@" >"$dir/$name.record.out" 2>&1 && [ -s "$dir/$name.trc" ] ||
		return 1
	ls -S "$dir/$name.trc" "$dir/$name".*.trc 2>/dev/null | head -n 1
}

machine() {
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	gcc=$(gcc --version 2>/dev/null | head -n 1)
	libc=$(getconf GNU_LIBC_VERSION 2>/dev/null || ldd --version 2>/dev/null | head -n 1)
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
	echo "Machine: $(nproc) cores, $cpu, $ram RAM; $gcc; $libc"
	echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); divaviz $commit; BENCH_OPS=$ops, BENCH_TIMEOUT=$limit s;"
	echo "load average at the start: $(cut -d ' ' -f 1-3 /proc/loadavg) (other work on the machine shows in every time)"
}

# bench_trace TAG TRACE WHAT - the table's rows for one trace: the C library's
# replay, then one row per allocator. The raw numbers stay in $dir/TAG.*.
bench_trace() {
	tag=$1 trace=$2 what=$3
	say "$what: the C library"
	run "$tag.libc" "$tools/replay-libc" "$trace"
	[ "$(get status "$dir/$tag.libc.run")" = 0 ] || die "replay-libc ran past $limit s on $trace"
	echo
	awk -v what="$what" -v file="$trace" -v base="$libc_base" '
		{ v[$1] = $2 }
		FILENAME ~ /\.run$/ { r[$1] = $2 }
		END {
			printf "### %s (`%s`)\n\n", what, file
			printf "%d operations, %d ids, %d live blocks at the peak. ", v["ops"], v["ids"], v["peak_live_blocks"]
			printf "C library (replay-libc): replay %.1f ms; process %.2f s (reading %.2f s), max RSS %.0f B/op.\n\n",
				v["replay_s"] * 1000, r["cpu_s"], v["read_s"], (r["maxrss_kib"] - base) * 1024 / v["ops"]
		}' "$dir/$tag.libc.out" "$dir/$tag.libc.run"
	echo "| allocator | failed | replay ms | ×libc (≤3) | heap_step ms | --summary s | ×replay-libc | --summary B/op (≤200) | load s | viewer B/op (≤200) | jump median ms | jump max ms (≤50) | worst jump ms | frame ms (≤10) | blocks | missed |"
	echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"
	for p in $policies; do
		say "$what: $p: --summary"
		run "$tag.$p.summary" "$bin" --summary -p "$p" "$trace"
		say "$what: $p: viewer and replay (bench-view)"
		run "$tag.$p.view" "$tools/bench-view" "$p" "$trace"
		row "$tag" "$p"
	done
}

# row TAG POLICY - one allocator's row, from $dir/TAG.{libc,POLICY.summary,POLICY.view}.*
row() {
	awk -v policy="$2" -v limit="$limit" -v base="$summary_base" '
		FILENAME == ARGV[1] { libc[$1] = $2 } FILENAME == ARGV[2] { libc_run[$1] = $2 }
		FILENAME == ARGV[3] { sum[$1] = $2 } FILENAME == ARGV[4] { view[$1] = $2 }
		FILENAME == ARGV[5] { view_run[$1] = $2 }
		function ms(s) { return s == "" ? "> " limit " s" : sprintf("%.1f", s * 1000) }
		function cell(key) { return key in view ? ms(view[key]) : "> " limit " s" }
		END {
			ops = libc["ops"]; missed = ""
			if (sum["status"] == "timeout") {
				sum_s = "> " limit " s"; sum_x = "-"; sum_mem = "-"; missed = missed " summary-time"
			} else {
				sum_s = sprintf("%.2f", sum["cpu_s"])
				sum_x = libc_run["cpu_s"] > 0 ? sprintf("%.1f", sum["cpu_s"] / libc_run["cpu_s"]) : "-"
				per_op = sum["maxrss_kib"] > base ? (sum["maxrss_kib"] - base) * 1024 / ops : 0
				sum_mem = sprintf("%.0f", per_op)
				if (per_op > 200) missed = missed " summary-memory"
			}
			replay_x = "-"
			if (!("summary_replay_s" in view))
				missed = missed " replay"
			else if (libc["replay_s"] > 0) {
				x = view["summary_replay_s"] / libc["replay_s"]
				replay_x = sprintf("%.1f", x)
				if (x > 3) missed = missed " replay"
			}
			load = "load_s" in view ? sprintf("%.2f", view["load_s"]) : "> " limit " s"
			mem = "view_rss_growth_kib" in view ? sprintf("%.0f", view["view_rss_growth_kib"] * 1024 / ops) : "-"
			if ("view_rss_growth_kib" in view && view["view_rss_growth_kib"] * 1024 / ops > 200) missed = missed " viewer-memory"
			# (awk makes an element by reading it: ask "in" first)
			if (!("worst_jump_s" in view) || view["jump_max_s"] > 0.05 || view["worst_jump_s"] > 0.05)
				missed = missed " jump"
			# the slower of the frames at the peak of live blocks and at the last step
			at = !("frame_last_median_s" in view) || view["frame_peak_median_s"] >= view["frame_last_median_s"] ? "peak" : "last"
			frame = "-"; blocks = "-"
			if (("frame_" at "_median_s") in view) {
				frame = sprintf("%.1f / %.1f", view["frame_" at "_median_s"] * 1000, view["frame_" at "_max_s"] * 1000)
				blocks = view["frame_" at "_blocks"] " (" at ")"
			}
			if (frame == "-" || view["frame_" at "_median_s"] > 0.01) missed = missed " frame"
			if (view_run["status"] == "timeout") missed = missed " (bench-view killed at " limit " s)"
			sub(/^ /, "", missed)
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				policy, "failed" in view ? view["failed"] : "-", cell("summary_replay_s"), replay_x,
				cell("step_replay_s"), sum_s, sum_x, sum_mem, load, mem, cell("jump_median_s"),
				cell("jump_max_s"), cell("worst_jump_s"), frame, blocks, missed == "" ? "none" : missed
		}' "$dir/$1.libc.out" "$dir/$1.libc.run" "$dir/$1.$2.summary.run" "$dir/$1.$2.view.out" \
		"$dir/$1.$2.view.run"
}

for tool in bench-run replay-libc bench-view; do
	[ -x "$tools/$tool" ] || die "$tools/$tool is missing: run make bench"
done
[ -x "$bin" ] || die "$bin is missing: run make bench"

say "generating $ops operations"
gen=$dir/gen-$ops.trc
"$bin" gen -s 1 -n "$ops" --live $live --heap 1G --dist=power -m 8 -r 16K --realloc=5 >"$gen" ||
	die "cannot generate the trace"

# What a process holds whatever the trace (code, the C library, ncurses): its
# max RSS on a lesson trace, taken off before dividing by the operations.
run base-libc "$tools/replay-libc" traces/fragment.trc
libc_base=$(get maxrss_kib "$dir/base-libc.run")
run base-summary "$bin" --summary traces/fragment.trc
summary_base=$(get maxrss_kib "$dir/base-summary.run")

echo "## divaviz benchmark"
echo
machine
echo "max RSS on traces/fragment.trc, taken off before dividing by operations: --summary $summary_base KiB,"
echo "replay-libc $libc_base KiB"
bench_trace gen "$gen" "generated: divaviz gen -s 1 -n $ops --live $live --heap 1G --dist=power -m 8 -r 16K --realloc=5"

# `divaviz record` is there when it records ls (true would record nothing).
if "$bin" record -o "$dir/probe.trc" -- ls / >/dev/null 2>&1; then
	rm -f "$dir"/probe*.trc
	gcc_trace=$(record rec-gcc gcc -std=c11 -O2 -Iinclude -c src/engine/heap.c -o "$dir/heap.o") ||
		die "divaviz record failed on gcc"
	bench_trace rec-gcc "$gcc_trace" "recorded: gcc -O2 -c src/engine/heap.c (cc1)"
	# The interpreter itself, not a wrapper script that would start it (pyenv's shim).
	python=$(python3 -c 'import sys; print(sys.executable)') || die "python3 does not run"
	py_trace=$(record rec-python env PYTHONMALLOC=malloc "$python" -c \
		'import json; d = [{"k": i, "v": [str(i)] * 3} for i in range(20000)]; json.loads(json.dumps(d))') ||
		die "divaviz record failed on python3"
	bench_trace rec-python "$py_trace" "recorded: python3 (PYTHONMALLOC=malloc) building and parsing a JSON list"
else
	echo
	echo "Recorded traces (gcc -c, python3): skipped, \`divaviz record\` is not available in this build."
fi
echo
echo "Times are CPU time (user + system) of the process measured, so that other work on the machine"
echo "weighs little; single-threaded and never waiting, each takes as long on an idle machine's clock."
echo "replay: report_summarize in bench-view (the replay --summary makes, reading excluded; median of 3)"
echo "against replay-libc's malloc/free/realloc loop (median of 3); heap_step: the engine's steps alone."
echo "--summary: the whole \`divaviz --summary -p P\` process against the whole replay-libc process, both"
echo "reading the trace with divaviz's reader. B/op: bytes per trace operation (max RSS of --summary less"
echo "its max RSS on a lesson trace; the viewer's RSS growth while loading one allocator). Jumps: 200"
echo "random app_goto calls; worst: back to a step just before a snapshot (32 of them). frame: median /"
echo "max of 100 app_draw at 200x60 at the peak of live allocations and at the last step, the slower of"
echo "the two; blocks: blocks in that heap, free and dead ones too."
echo "Load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)."
echo "Every number measured (and snapshots, their bytes, wall-clock times) is in $dir/*.out and *.run."

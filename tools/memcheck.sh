#!/bin/sh
# tools/memcheck.sh BINARY - valgrind memcheck over divaviz (make valgrind).
#
# Replays every trace in traces/ under every policy (--batch --check), summarises
# each under all of them at once (--summary, text and json), replays --ops strings,
# and reads every file of the bad-input corpus (tests/bad/, each with the exit status
# its .expect file names). Every run must exit as expected with no memcheck error
# and no definite leak. Prints one line per failure and a count at the end; exits 1
# if anything failed.
bin=${1:-./divaviz}
all=bump,first,next,best,worst,segregated
runs=0
failures=0
log=$(mktemp "${TMPDIR:-/tmp}/divaviz-memcheck.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

# memcheck STATUS ARG... - one run of divaviz that must exit STATUS
memcheck() {
	want=$1
	shift
	runs=$((runs + 1))
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite "$bin" "$@" >/dev/null 2>"$log"
	got=$?
	if [ "$got" != "$want" ]; then
		failures=$((failures + 1))
		echo "memcheck: FAILED (exit $got, not $want): divaviz $*"
		sed 's/^/    /' "$log"
	fi
}

for trace in traces/*.trc; do
	for policy in $(echo $all | tr , ' '); do
		memcheck 0 --batch --check -p "$policy" "$trace"
	done
	memcheck 0 --summary --check --compare=$all "$trace"
	memcheck 0 --summary --format=json --check --compare=$all "$trace"
	memcheck 0 --batch --check --compare=$all "$trace"
done
memcheck 0 --batch --check --compare=$all --ops "+10,+20,+30,-1,+15,-0,+5"
memcheck 0 --summary --format=csv --check --compare=$all --coalesce=yes --ops "+5,+5,-0,-1,+10,+90"

for input in tests/bad/*; do
	case $input in *.expect | "tests/bad/*") continue ;; esac
	memcheck "$(head -n 1 "$input.expect")" --batch --check "$input"
done

echo "memcheck: $runs runs, $failures failed (valgrind: 0 errors and 0 definite leaks wanted)"
[ "$failures" -eq 0 ]

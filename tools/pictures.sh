#!/bin/sh
# pictures.sh - draws the pictures docs/teaching.md and README.md show, with
# divaviz --export=svg, into DIR (default docs/pictures). test_export.c draws
# them again and expects the same bytes, so the docs show what divaviz draws.
#
#   sh tools/pictures.sh [DIVAVIZ [DIR]]
set -eu
divaviz=${1:-./divaviz}
dir=${2:-docs/pictures}
mkdir -p "$dir"

# name    step  trace                  options
while read -r name step trace opts; do
	# shellcheck disable=SC2086 # opts are words
	"$divaviz" --export=svg --step "$step" $opts -o "$dir/$name.svg" "traces/$trace"
done <<'LIST'
fragment-step10    10  fragment.trc    --compare=first,best
fragment-step12    12  fragment.trc    --compare=first,best
knuth-step9         9  knuth.trc       --compare=first,best
best-wins-step12   12  best-wins.trc   --compare=first,best
next-fit-step16    16  next-fit.trc    --compare=first,next
bump-step7          7  bump.trc
bump-step8          8  bump.trc
coalesce-step9      9  coalesce.trc
order-step9-lifo    9  order.trc       --order=lifo
segregated-step9    9  segregated.trc  --compare=segregated,first
realloc-step7       7  realloc.trc
LIST

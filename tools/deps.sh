#!/bin/sh
# tools/deps.sh NEED... - make sure the build's dependencies are installed.
#
# Each NEED is KIND:NAME:PACKAGE, where KIND is "pc" (a pkg-config module), "cmd"
# (a command on PATH) or "rt" (clang's runtime library libclang_rt.NAME, which the
# sanitizers and libFuzzer link) and PACKAGE the Debian/Ubuntu package that provides
# it. What is
# missing is installed with apt-get (through sudo when not root); without apt-get the
# script stops and names the packages to install. Exit 0 when everything is there.
missing=""
have_pkg_config=yes
command -v pkg-config >/dev/null 2>&1 || { have_pkg_config=no; missing="pkg-config"; }

for need in "$@"; do
	kind=${need%%:*}; rest=${need#*:}; name=${rest%%:*}; package=${rest#*:}
	case $kind in
	pc)  [ $have_pkg_config = yes ] && pkg-config --exists "$name" && continue ;;
	cmd) command -v "$name" >/dev/null 2>&1 && continue ;;
	rt)  command -v clang >/dev/null 2>&1 &&
		[ -e "$(clang --print-runtime-dir)/libclang_rt.$name-$(uname -m).a" ] && continue ;;
	esac
	case " $missing " in *" $package "*) ;; *) missing="$missing $package" ;; esac
done
missing=${missing# }
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "divaviz: missing build dependencies; please install: $missing" >&2
	exit 1
fi
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "divaviz: missing build dependencies and not root; as root run: apt-get install $missing" >&2
	exit 1
fi
echo "divaviz: installing missing build dependencies: $missing" >&2
log=$(mktemp "${TMPDIR:-/tmp}/divaviz-deps.XXXXXX") || exit 1
# $missing is a list of package names: split it.
# shellcheck disable=SC2086
if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq $missing; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "divaviz: could not install: $missing" >&2
	exit 1
fi
rm -f "$log"

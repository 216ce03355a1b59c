#!/usr/bin/env bash
# Builds Debian's lighttpd from Debian's own source package as one fully
# static binary (every module built in, no dlopen), for the e2e test
# tests/e2e/server_test.cc and the benchmark bench/http_bench.cc, and
# installs Debian's wrk (the HTTP load generator the benchmark runs).
#
#   scripts/build-static-server.sh OUTDIR     # e.g. build/default/static-server
#
# Result: OUTDIR/lighttpd. OUTDIR/src keeps the unpacked source and OUTDIR/build
# the autotools build tree, both reused by later runs. When OUTDIR/lighttpd is
# already there, static and newer than this script, nothing is rebuilt.
#
# What it may change on the machine (as root, or through sudo):
#   - adds /etc/apt/sources.list.d/hvrun-src.list (a deb-src line for the
#     Debian mirror and suite already configured) when no deb-src entry
#     for the distribution is configured, and then runs apt-get update;
#   - apt-get installs what is missing of: build-essential pkg-config
#     dpkg-dev xz-utils file libpcre2-dev zlib1g-dev libcrypt-dev, and wrk.
# Optional features that need more libraries (TLS, lua, dbi, ldap, zstd,
# brotli, webdav properties ...) are disabled.
set -euo pipefail

die() {
  echo "build-static-server: error: $*" >&2
  exit 1
}
say() { echo "build-static-server: $*"; }

(($# == 1)) || die "usage: $0 OUTDIR   (e.g. $0 build/default/static-server)"
mkdir -p "$1" || die "cannot create $1"
OUT=$(cd "$1" && pwd)
SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
BIN=$OUT/lighttpd

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
  SUDO=sudo
fi

is_static() { file -L "$1" 2>/dev/null | grep -q 'statically linked'; }

apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

# wrk: Debian has it since buster; only install when missing.
if ! command -v wrk >/dev/null; then
  if apt-cache policy wrk 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    apt_install wrk
  else
    say "warning: no wrk package in the configured sources; the HTTP benchmark will skip"
  fi
fi

if [[ -x $BIN && $BIN -nt $SCRIPT ]] && is_static "$BIN"; then
  say "$BIN is up to date"
  exit 0
fi

# --- Debian source entries -------------------------------------------------
# shellcheck disable=SC1091
CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $CODENAME ]] || die "cannot tell the Debian release from /etc/os-release"

# The first configured binary entry for the main archive of (CODENAME):
# "URI SIGNED-BY" (SIGNED-BY "-" when none). A deb-src entry for the same
# URI and suite must carry the same Signed-By, or apt refuses all sources.
main_archive_entry() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    awk -v suite="$CODENAME" '
      $1 == "deb" {
        opts = ""; i = 2
        if ($2 ~ /^\[/) { while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) break; i++ } i++ }
        uri = $i; s = $(i + 1)
        if (s != suite || uri ~ /security/) next
        sb = "-"
        if (match(opts, /signed-by=[^] ]+/)) sb = substr(opts, RSTART + 10, RLENGTH - 10)
        print uri, sb; exit
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk -v suite="$CODENAME" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris !~ /security/) {
          split(uris, u, " "); print u[1], (sb == "" ? "-" : sb); found = 1; exit
        }
        types = suites = uris = sb = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      tolower($1) == "types:" { $1 = ""; types = $0; sub(/^ +/, "", types) }
      tolower($1) == "suites:" { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
      tolower($1) == "uris:" { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
      tolower($1) == "signed-by:" { $1 = ""; sb = $0; sub(/^ +/, "", sb) }
      END { if (!found) flush() }' "$f"
  done
}

# Whether any configured entry already gives source packages for (CODENAME).
has_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] && grep -Eq "^[[:space:]]*deb-src[[:space:]].*[[:space:]]${CODENAME}[[:space:]]" "$f" && return 0
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk -v suite="$CODENAME" '
      function flush() { if (types ~ /deb-src/ && (" " suites " ") ~ (" " suite " ")) ok = 1; types = suites = "" }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:" { $1 = ""; types = $0 }
      tolower($1) == "suites:" { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
      END { flush(); exit !ok }' "$f" && return 0
  done
  return 1
}

if ! apt-cache showsrc lighttpd 2>/dev/null | grep -q '^Package: lighttpd'; then
  if has_deb_src; then
    say "deb-src entries exist but lighttpd's source is not indexed: apt-get update"
    $SUDO apt-get update -qq || die "apt-get update failed"
  else
    read -r uri signed_by < <(main_archive_entry; echo "http://deb.debian.org/debian -") || true
    opt=""
    [[ $signed_by != "-" ]] && opt="[signed-by=$signed_by] "
    line="deb-src ${opt}${uri} ${CODENAME} main"
    say "adding '$line' to /etc/apt/sources.list.d/hvrun-src.list; apt-get update"
    echo "$line" | $SUDO tee /etc/apt/sources.list.d/hvrun-src.list >/dev/null ||
      die "cannot write /etc/apt/sources.list.d/hvrun-src.list"
    if ! $SUDO apt-get update -qq; then
      $SUDO rm -f /etc/apt/sources.list.d/hvrun-src.list
      die "apt-get update failed with the deb-src line added (removed it again)"
    fi
  fi
  apt-cache showsrc lighttpd 2>/dev/null | grep -q '^Package: lighttpd' ||
    die "no source package for lighttpd in the configured sources"
fi

# --- source and build ------------------------------------------------------
apt_install build-essential pkg-config dpkg-dev xz-utils file libpcre2-dev zlib1g-dev libcrypt-dev
for lib in libpcre2-8.a libz.a libcrypt.a libc.a; do
  [[ -n $(find /usr/lib /lib -name "$lib" -print -quit 2>/dev/null) ]] ||
    die "static library $lib not found (the -dev package is installed but has no .a?)"
done

mkdir -p "$OUT/src"
srcdir=$(find "$OUT/src" -maxdepth 2 -name configure -path '*/lighttpd-*' -printf '%h\n' | sort -V | tail -1)
if [[ -z $srcdir ]]; then
  say "fetching lighttpd's Debian source into $OUT/src"
  (cd "$OUT/src" && apt-get source -qq lighttpd) >"$OUT/src/apt-source.log" 2>&1 ||
    die "apt-get source lighttpd failed; see $OUT/src/apt-source.log"
  srcdir=$(find "$OUT/src" -maxdepth 2 -name configure -path '*/lighttpd-*' -printf '%h\n' | sort -V | tail -1)
  [[ -n $srcdir ]] || die "apt-get source lighttpd left no lighttpd-*/configure in $OUT/src"
fi
say "source: $srcdir"

build=$OUT/build
mkdir -p "$build"
if [[ ! -f $build/Makefile || $build/Makefile -ot $SCRIPT ]]; then
  say "configuring (log: $build/configure.log)"
  (cd "$build" && LIGHTTPD_STATIC=yes "$srcdir/configure" \
    --enable-static --disable-shared \
    --with-pcre2 --with-zlib \
    --without-pcre --without-zstd --without-bzip2 --without-brotli --without-libdeflate \
    --without-openssl --without-wolfssl --without-mbedtls --without-nettle --without-gnutls \
    --without-nss --without-krb5 --without-ldap --without-pam --without-sasl --without-dbi \
    --without-mysql --without-pgsql --without-lua --without-maxminddb --without-attr \
    --without-fam --without-libev --without-libunwind --without-valgrind --without-xxhash \
    --without-webdav-props --without-webdav-locks) >"$build/configure.log" 2>&1 ||
    die "configure failed; see $build/configure.log"
fi

# The modules of the static build: Makefile.am's LIGHTTPD_STATIC source list
# (the mod_*.c files that are modules, not their *_api.c helpers), each
# registered through src/plugin-static.h as upstream's INSTALL describes.
mods=$(awk '/^if LIGHTTPD_STATIC/ { on = 1 } on && /^lighttpd_CPPFLAGS/ { exit }
            on { for (i = 1; i <= NF; i++) if ($i ~ /^mod_.*\.c$/ && $i !~ /_api\.c$/) print $i }' \
  "$srcdir/src/Makefile.am" | sed 's/\.c$//' | sort -u)
[[ -n $mods ]] || die "found no static module list in $srcdir/src/Makefile.am"
mkdir -p "$build/src"
for m in $mods; do echo "PLUGIN_INIT($m)"; done >"$build/src/plugin-static.h.new"
if cmp -s "$build/src/plugin-static.h.new" "$build/src/plugin-static.h"; then
  rm "$build/src/plugin-static.h.new"
else
  mv "$build/src/plugin-static.h.new" "$build/src/plugin-static.h"
fi

say "building (log: $build/make.log)"
make -C "$build/src" -j"$(nproc)" LDFLAGS=-all-static >"$build/make.log" 2>&1 ||
  die "make failed; see the end of $build/make.log"
is_static "$build/src/lighttpd" || die "$build/src/lighttpd is not statically linked: $(file "$build/src/lighttpd")"
cp "$build/src/lighttpd" "$BIN.new"
mv "$BIN.new" "$BIN"
say "built $BIN ($(echo "$mods" | wc -l) modules built in): $(file -b "$BIN" | cut -d, -f1-5)"

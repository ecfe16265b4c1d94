#!/usr/bin/env bash
# Runs the README's commands in a brand-new minimal Debian root, as a new user would on a fresh
# machine; CI (.ci/run) and `make fresh-check` run this before anything lands.
#
#   checks/fresh-check.sh [--suite SUITE] [--scenario NAME] [--keep]
#     --suite     the Debian suite of the root (default bookworm, the README's Debian 12)
#     --scenario  readme        the README's quick-start commands, read from README.md, in order
#                               (the default; what CI runs)
#                 check-first   `make check` as the very first command
#                 webapp-first  `make webapp` as the very first command, then the browser test
#                               against that server: the page must reach "ready" and run
#                 pythons       the host wheels in dist/ in every CPython this suite packages
#                               (checks/test-pythons.sh in-root): the root gets a copy of those
#                               wheels, and out/pythons/ is copied back to out/pythons/SUITE/
#     --keep      keep the root afterwards (its path is printed)
#
# The root is `debootstrap --variant=minbase` (like the debian:bookworm image: no python3, make,
# compiler, node, git or curl) with a clean clone of this repository's HEAD in /root/project.
# From the host it gets only the machine's network setup (resolv.conf, the CA certificates,
# Debian's apt sources, pip.conf, .npmrc) and shares only download caches, kept in
# PRF_FRESH_CACHE: debootstrap's and apt's .debs, pip's and npm's caches, cargo's registry
# downloads. Never an installed toolchain, venv, target dir or node_modules: those are built in
# the root by the project's own scripts. The new user's one prerequisite, `make`, is installed
# first, as the README says.
#
# Everything in the root runs inside its own mount and PID namespaces: every mount and every
# process started there ends with the run, on every exit path. The root is deleted afterwards
# only if no mount is left under it, and without crossing into any file system.
source "$(dirname "$0")/lib.sh"

SUITE=bookworm
SCENARIO=readme
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) SUITE=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --inner) shift; break ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done

# This machine's Debian mirrors: the root uses the same ones.
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || die "no $sources: cannot tell which Debian mirror this machine uses"
mirror=$(awk '/^URIs:/ { print $2; exit }' "$sources")

# The commands a user types, in the README's own words: the sh block under "## Quick start".
readme_commands() {
  awk '/^## Quick start/ { q = 1 } q && /^```sh/ { f = 1; next } f && /^```/ { exit }
       f { sub(/[ \t]*#.*/, ""); if ($0 != "") print }' "$ROOT/README.md"
}

# ---- inside the namespaces: mount, run, report -------------------------------------------------
if [ "${PRF_FRESH_INNER:-}" = 1 ]; then
  R=$1 CACHE=$2
  shift 2
  SECONDS=0
  log "debootstrap --variant=minbase $SUITE into $R"
  debootstrap --variant=minbase --cache-dir="$CACHE/debootstrap-$SUITE" "$SUITE" "$R" "$mirror" \
    >"$R.debootstrap.log" 2>&1 || { tail -n 20 "$R.debootstrap.log" >&2; die "debootstrap failed"; }
  rm -f "$R.debootstrap.log"

  # The machine's network setup, nothing else.
  cp -L /etc/resolv.conf "$R/etc/resolv.conf"
  rm -f "$R/etc/apt/sources.list"
  if [ "$SUITE" = bookworm ]; then
    cp "$sources" "$R/etc/apt/sources.list.d/debian.sources"
  else # the same mirrors, this suite's names (sid has no updates or security suites: the
    # stanza of the security suite goes whole)
    awk -v suite="$SUITE" '
      function flush() { if (stanza != "" && !drop) printf "%s\n", stanza; stanza = ""; drop = 0 }
      /^$/ { flush(); next }
      /^Suites:/ {
        gsub(/bookworm/, suite)
        if (suite == "sid") { if (/sid-security/) drop = 1; sub(/ sid-updates/, "") }
      }
      { stanza = stanza $0 "\n" }
      END { flush() }' "$sources" >"$R/etc/apt/sources.list.d/debian.sources"
    # sid's Release file is valid for a week only, and this machine's mirror serves a snapshot
    # older than that: apt would refuse it as expired (signatures are still checked).
    [ "$SUITE" != sid ] ||
      echo 'Acquire::Check-Valid-Until "false";' >"$R/etc/apt/apt.conf.d/99snapshot-mirror"
  fi
  mkdir -p "$R/usr/local/share/ca-certificates" "$R/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/ca-certificates.crt"
  for f in /etc/pip.conf /root/.npmrc; do
    [ -f "$f" ] && mkdir -p "$R$(dirname "$f")" && cp "$f" "$R$f"
  done
  # Mount points for the shared download caches.
  mkdir -p "$R/root/.cache/pip" "$R/root/.npm/_cacache" "$R/root/.cargo/registry/cache" \
    "$R/root/.cargo/registry/index"

  git clone -q "$ROOT" "$R/root/project"
  if [ "$SCENARIO" = pythons ]; then # the artifacts under test: the host wheels built outside
    mkdir -p "$R/root/project/dist"
    cp "$DIST"/fib_pyrs-*-cp3*linux*.whl "$DIST"/fib_python-*-py3-none-any.whl "$R/root/project/dist/"
  fi
  printf '%s\t%s\t0\n' "new root (debootstrap, network setup, clone)" "$SECONDS" >"$R/.fresh-times"
  log "fresh root ready in ${SECONDS}s: $R ($(git -C "$R/root/project" log -1 --format='%h %s'))"

  mount -t proc proc "$R/proc"
  mount --rbind /sys "$R/sys"
  mount --rbind /dev "$R/dev"
  mount --bind "$CACHE/apt-$SUITE" "$R/var/cache/apt/archives"
  mount --bind "$CACHE/pip" "$R/root/.cache/pip"
  mount --bind "$CACHE/npm" "$R/root/.npm/_cacache"
  mount --bind "$CACHE/cargo/cache" "$R/root/.cargo/registry/cache"
  mount --bind "$CACHE/cargo/index" "$R/root/.cargo/registry/index"

  # A login shell with a clean environment: nothing of this machine's PATH (rustup, pyenv),
  # pip or cargo settings leaks in.
  in_root() {
    chroot "$R" /usr/bin/env -i HOME=/root USER=root LOGNAME=root TERM="${TERM:-dumb}" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash -lc "cd /root/project && $1"
  }
  timed() { # timed LABEL COMMAND: runs it in the root, records its time in the summary
    local t0=$SECONDS rc=0
    printf '\n\033[1m==> [fresh %s] %s\033[0m\n' "$SUITE" "$2" >&2
    in_root "$2" || rc=$?
    printf '%s\t%s\t%s\n' "$1" $((SECONDS - t0)) "$rc" >>"$R/.fresh-times"
    printf '\033[1m==> [fresh %s] %s exited %s after %ss\033[0m\n' "$SUITE" "$2" "$rc" $((SECONDS - t0)) >&2
    return $rc
  }

  if [ "$SCENARIO" != pythons ]; then
    timed "install make (the README's prerequisite)" \
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q make >/dev/null'
  fi
  case "$SCENARIO" in
    readme | check-first)
      for cmd in "$@"; do timed "$cmd" "$cmd"; done
      ;;
    pythons)
      timed "apt-get update" "apt-get update -qq"
      for v in "$@"; do timed "CPython $v, if $SUITE packages it" "checks/test-pythons.sh in-root $SUITE $v"; done
      ;;
    webapp-first)
      port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo 18765)
      # The server in the background, as a user would start it; the root's PID namespace ends
      # it with the run whatever happens.
      in_root "make webapp PORT=$port >/root/webapp.log 2>&1" &
      t0=$SECONDS
      # Wait for the wheels to build and the server to answer (bash's /dev/tcp: no curl here).
      until in_root "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; do
        kill -0 $! 2>/dev/null || { tail -n 40 "$R/root/webapp.log" >&2; die "make webapp exited before serving"; }
        [ $((SECONDS - t0)) -lt 3600 ] || die "make webapp did not serve within an hour"
        sleep 5
      done
      printf 'make webapp PORT=%s (until it served)\t%s\t0\n' "$port" $((SECONDS - t0)) >>"$R/.fresh-times"
      tail -n 5 "$R/root/webapp.log" >&2
      # Only now the browser and playwright-core, by the project's own setup: the page against
      # the server that `make webapp` started must reach "ready" and compute.
      timed "browser test against it" "checks/setup.sh node browser && source checks/lib.sh && use_python &&
        FIB_WEB_URL=http://127.0.0.1:$port node --test --test-reporter=spec web/tests-browser/"
      ;;
  esac
  exit 0
fi

# ---- on the host: build the root, enter the namespaces, clean up -------------------------------
case "$SCENARIO" in
  readme) mapfile -t commands < <(readme_commands) ;;
  check-first) commands=("make check") ;;
  webapp-first) commands=() ;;
  pythons) # the CPython versions of the host wheels, each tested where the suite packages it
    use_python
    read -ra commands < <("$PY" "$ROOT/checks/wheel_tags.py" pythons)
    ;;
  *) die "unknown scenario $SCENARIO" ;;
esac
[ "$SCENARIO" != readme ] || [ ${#commands[@]} -gt 0 ] || die "no commands in README.md's Quick start"
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mount)"
apt_need debootstrap git

CACHE=${PRF_FRESH_CACHE:-/var/cache/py-rust-fib-fresh}
mkdir -p "$CACHE/debootstrap-$SUITE" "$CACHE/apt-$SUITE/partial" "$CACHE/pip" "$CACHE/npm" \
  "$CACHE/cargo/cache" "$CACHE/cargo/index"
base=${PRF_FRESH_DIR:-/var/tmp}
R=$(mktemp -d "$base/prf-fresh-$SUITE.XXXXXX")
start=$SECONDS
[ -z "$(git -C "$ROOT" status --porcelain)" ] ||
  warn "uncommitted changes in $ROOT are not tested: the root gets a clone of HEAD"

mounted_under() { grep -q " $1/" /proc/self/mountinfo; }
finish() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "${inner_pid:-}" ] && kill "$inner_pid" 2>/dev/null && wait "$inner_pid" 2>/dev/null
  if [ -f "$R/.fresh-times" ]; then
    echo
    echo "fresh-check ($SUITE, scenario $SCENARIO), times:"
    awk -F'\t' '{ printf "  %-52s %5ss  %s\n", $1, $2, ($3 == 0 ? "ok" : "FAILED (" $3 ")") }' "$R/.fresh-times"
    if [ -f "$R/root/project/out/check/stage-timings.txt" ]; then
      echo "make check's stages:"
      cat "$R/root/project/out/check/stage-timings.txt"
    fi
    printf '  %-52s %5ss\n' "total" $((SECONDS - start))
  fi
  if [ "$SCENARIO" = pythons ] && [ -d "$R/root/project/out/pythons" ] && ! mounted_under "$R"; then
    rm -rf "$ROOT/out/pythons/$SUITE"
    mkdir -p "$ROOT/out/pythons"
    cp -r "$R/root/project/out/pythons" "$ROOT/out/pythons/$SUITE"
  fi
  if [ "$KEEP" = 1 ]; then
    echo "the root is kept: $R"
  elif mounted_under "$R"; then
    warn "something is still mounted under $R: not deleting it"
  else
    rm -rf --one-file-system "$R"
  fi
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT TERM

PRF_FRESH_INNER=1 unshare --mount --pid --fork --kill-child --propagation private \
  "$0" --suite "$SUITE" --scenario "$SCENARIO" --inner "$R" "$CACHE" "${commands[@]}" &
inner_pid=$!
wait "$inner_pid"

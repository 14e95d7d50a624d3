#!/usr/bin/env bash
# Builds the Prok image from the Dockerfile with buildah, where there is no Docker engine and no registry to pull base
# images from, then runs it as its non-root user and smoke-tests it over HTTP. Run as root (buildah's storage is
# root's); tests/image_test.ts runs it in the gate.
#
#   deploy/docker/build-and-smoke-test.sh            build (reusing base images already in buildah's storage), run, test
#
# 1. The two base images the Dockerfile names (node:20-bookworm-slim, debian:bookworm-slim) are made from Debian
#    packages with debootstrap and tagged under those names, unless buildah's storage already has them. They trust
#    this machine's extra CA certificates, so a TLS-inspecting proxy does not break npm or deno in the build stage.
# 2. `buildah bud --pull=never` builds the Dockerfile as it is, from the files git tracks or would track.
# 3. The image runs as uid 10001 with /app bind-mounted read-only and an empty folder as its /app/data volume: the
#    app, its node_modules, island bundles and DENO_DIR cannot be written, so a start that rebuilt or downloaded
#    anything fails here. Before that, every path uid 10001 can write in the image is listed and checked.
# 4. Over HTTP from the host: /healthz, the image's own HEALTHCHECK command, register, post, read the home feed; then
#    SIGTERM, and the app must stop cleanly.
#
# Knobs (environment): PROK_IMAGE (tag, default localhost/prok:here), PROK_SMOKE_PORT (default 18000),
# DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE=${PROK_IMAGE:-localhost/prok:here}
PORT=${PROK_SMOKE_PORT:-18000}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BUILDAH=(buildah --log-level=error)
RUN_FLAGS=(--isolation chroot --network host)

log() { echo "[image] $*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/prok-image.XXXXXX")
CONTAINER=
APP_PID=
cleanup() {
  if [[ -n $APP_PID ]]; then
    kill "$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [[ -n $CONTAINER ]]; then
    "${BUILDAH[@]}" umount "$CONTAINER" >/dev/null 2>&1 || true
    "${BUILDAH[@]}" rm "$CONTAINER" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- 1. Base images --------------------------------------------------------------------------------------------------
NODE_BASE=docker.io/library/node:20-bookworm-slim # fully qualified, as `FROM node:20-bookworm-slim` resolves
DEBIAN_BASE=docker.io/library/debian:bookworm-slim
has_image() { "${BUILDAH[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# import_rootfs NAME [ENV=VALUE...]: the folder $WORK/rootfs as the image NAME.
import_rootfs() {
  local name=$1 ctr env=(--env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  shift
  for kv in "$@"; do env+=(--env "$kv"); done
  tar -C "$WORK/rootfs" --numeric-owner -cf "$WORK/rootfs.tar" .
  ctr=$("${BUILDAH[@]}" from scratch)
  "${BUILDAH[@]}" add "$ctr" "$WORK/rootfs.tar" / >/dev/null
  rm -f "$WORK/rootfs.tar"
  "${BUILDAH[@]}" config --cmd bash "${env[@]}" "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$name" >/dev/null
  log "made base image $name"
}

# As the official slim images: no package lists or downloaded packages, documentation or translations.
trim_rootfs() {
  rm -rf "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/var/cache/apt/* \
    "$WORK"/rootfs/usr/share/{doc,man,info,locale}/*
}

if ! has_image "$NODE_BASE" || ! has_image "$DEBIAN_BASE"; then
  log "making the base images from Debian bookworm (debootstrap; a few minutes)"
  rootfs=$WORK/rootfs
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    fail "debootstrap failed:"$'\n'"$(tail -5 "$WORK/debootstrap.log")"
  # This machine's own CAs (a TLS-inspecting proxy's among them), for npm and deno in the build stage.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  trim_rootfs
  has_image "$DEBIAN_BASE" || import_rootfs "$DEBIAN_BASE"
  if ! has_image "$NODE_BASE"; then
    chroot "$rootfs" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends nodejs npm' \
      >"$WORK/apt.log" 2>&1 || fail "installing nodejs and npm failed:"$'\n'"$(tail -5 "$WORK/apt.log")"
    trim_rootfs
    # node and deno would trust only their own CA lists; here they trust the system's too.
    import_rootfs "$NODE_BASE" NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt DENO_TLS_CA_STORE=mozilla,system
  fi
  rm -rf "$rootfs"
else
  log "base images $NODE_BASE and $DEBIAN_BASE are in buildah's storage"
fi

# --- 2. The image ----------------------------------------------------------------------------------------------------
# The build context is the files git tracks or would track, copied once: tests running beside this one create and
# delete files in the tree.
context=$WORK/context
mkdir -p "$context"
if git -C "$ROOT" rev-parse --show-toplevel >/dev/null 2>&1; then
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
    tar -C "$ROOT" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$context" -xf -
else
  cp -a "$ROOT/." "$context"
fi
log "building $IMAGE (buildah bud --pull=never)"
previous=$("${BUILDAH[@]}" images -q "$IMAGE" 2>/dev/null || true)
# Docker's format: OCI images have no HEALTHCHECK. No layer cache: every run would keep its intermediate images.
"${BUILDAH[@]}" bud "${RUN_FLAGS[@]}" --pull=never --format docker -t "$IMAGE" "$context" \
  >"$WORK/build.log" 2>&1 || fail "buildah bud failed:"$'\n'"$(tail -40 "$WORK/build.log")"
# The image this tag named before, unless the build was all cache hits: each run would otherwise keep one more.
[[ -n $previous && $previous != $("${BUILDAH[@]}" images -q "$IMAGE") ]] && "${BUILDAH[@]}" rmi "$previous" >/dev/null 2>&1 || true
size=$("${BUILDAH[@]}" images --format '{{.Size}}' "$IMAGE")
log "built $IMAGE: $size"

# --- 3. Run it as uid 10001 ------------------------------------------------------------------------------------------
CONTAINER=$("${BUILDAH[@]}" from --pull=never "$IMAGE")
root_fs=$("${BUILDAH[@]}" mount "$CONTAINER")
as_app() { "${BUILDAH[@]}" run "${RUN_FLAGS[@]}" --user 10001 "$CONTAINER" -- "$@"; }

[[ $(as_app id -u) == 10001 ]] || fail "the image's user is not uid 10001"
# Without a read-only root (buildah run has none), ownership is what keeps the app from writing the image: uid 10001
# may write its data volume, its DENO_DIR (V8's code cache) and the temp folders, nothing else.
writable=$(as_app find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o -writable -print 2>/dev/null |
  grep -Ev '^/(app/data|app/\.deno-cache|tmp|var/tmp|run/lock|var/lock)(/|$)' || true)
[[ -z $writable ]] || fail "uid 10001 can write outside its volume:"$'\n'"$writable"

data=$WORK/data
mkdir -p "$data"
chown 10001:10001 "$data"
# buildah run would mount a volume of its own at the image's VOLUME, over the folder given with -v.
"${BUILDAH[@]}" config --volume /app/data- "$CONTAINER"
mapfile -t cmd < <("${BUILDAH[@]}" inspect --type image --format '{{range .Docker.Config.Cmd}}{{println .}}{{end}}' "$IMAGE")
log "starting the image's command as uid 10001 (${cmd[*]}) on port $PORT, /app read-only"
"${BUILDAH[@]}" run "${RUN_FLAGS[@]}" --user 10001 \
  -v "$root_fs/app:/app:ro" -v "$data:/app/data:rw" \
  -e PROK_SECRET=image-smoke-test-secret-0123456789abcdef -e PROK_ORIGIN="http://127.0.0.1:$PORT" \
  -e HOSTNAME=127.0.0.1 -e PORT="$PORT" \
  "$CONTAINER" -- "${cmd[@]}" >"$WORK/app.log" 2>&1 &
APP_PID=$!

base=http://127.0.0.1:$PORT
for ((i = 0; i < 120; i++)); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  kill -0 "$APP_PID" 2>/dev/null || fail "the app exited at start:"$'\n'"$(tail -30 "$WORK/app.log")"
  sleep 0.5
done
curl -fsS -o /dev/null "$base/healthz" || fail "no /healthz within 60 s:"$'\n'"$(tail -30 "$WORK/app.log")"
log "/healthz answers"

# --- 4. Smoke test ---------------------------------------------------------------------------------------------------
mapfile -t check < <("${BUILDAH[@]}" inspect --type image \
  --format '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}' "$IMAGE")
[[ ${check[0]:-} == CMD ]] || fail "the image has no HEALTHCHECK CMD"
as_app env PORT="$PORT" "${check[@]:1}" || fail "the image's HEALTHCHECK failed against a healthy app"
log "the HEALTHCHECK passes: ${check[*]:1}"

# api METHOD PATH [JSON]: the response body; fails on any status but 2xx.
api() {
  curl -fsS -X "$1" "$base$2" -H "origin: $base" -H "content-type: application/json" \
    ${TOKEN:+-H "authorization: Bearer $TOKEN"} ${3:+--data "$3"} || fail "$1 $2 failed"
}
TOKEN=
member=$(api POST /api/auth/register \
  '{"email":"smoke@example.org","password":"smoke-test-password-42","firstName":"Smoke","lastName":"Test"}')
TOKEN=$(sed -nE 's/.*"accessToken":"([^"]+)".*/\1/p' <<<"$member")
[[ -n $TOKEN ]] || fail "register gave no accessToken: $member"
log "registered a member"
content="Hello from the image, $(date +%s)"
api POST /api/posts "{\"content\":\"$content\"}" >/dev/null
feed=$(api GET "/api/posts?feed=home")
grep -qF "$content" <<<"$feed" || fail "the home feed lacks the new post: $feed"
log "posted, and the post is in the home feed"
[[ -n $(ls -A "$data") ]] || fail "nothing was written to the data volume"

# buildah run kills its command on SIGTERM rather than passing the signal on: the app itself is signalled, as a
# container engine would. It is the deno process among buildah's descendants.
app=
queue=("$APP_PID")
while [[ ${#queue[@]} -gt 0 && -z $app ]]; do
  pid=${queue[0]}
  queue=("${queue[@]:1}")
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == deno ]] && app=$pid
  for children in /proc/"$pid"/task/*/children; do
    more=()
    read -ra more <"$children" || true # the list ends without a newline
    queue+=("${more[@]}")
  done
done
[[ -n $app ]] || fail "no deno process under buildah run"
kill -TERM "$app"
rc=0
wait "$APP_PID" || rc=$?
APP_PID=
[[ $rc -eq 0 ]] || fail "the app did not stop cleanly on SIGTERM (exit $rc):"$'\n'"$(tail -20 "$WORK/app.log")"
log "stopped cleanly on SIGTERM"
echo "image $IMAGE ($size): built and smoke-tested"

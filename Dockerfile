# Prok: docker build -t prok .
#       docker run -e PROK_SECRET=... -e PROK_ORIGIN=https://... -v prok-data:/app/data -p 8000:8000 prok
#       (or: docker compose up; README "Deploying" says more)
#
# Deno comes from npm in the build stage. The runtime stage holds only the deno binary, the app with its island
# bundles (_fresh/), its npm dependencies (node_modules/) and a warm DENO_DIR, so nothing is downloaded at runtime.

ARG DENO_VERSION=2.9.6

# ---------------------------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
ARG DENO_VERSION
ENV DENO_DIR=/app/.deno-cache \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1

# The npm package links its platform binary (@deno/linux-<arch>-glibc) in a postinstall script; whichever way it
# resolved, Deno.execPath() names the real executable, the only file the runtime stage needs.
RUN npm install -g --no-fund --no-audit "deno@${DENO_VERSION}" \
    && install -D -m 0755 "$(deno eval 'console.log(Deno.execPath())')" /opt/deno/deno \
    && /opt/deno/deno --version

WORKDIR /app

# Dependencies first, so this layer is reused until deno.json or deno.lock change.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY . .
# Island bundles into _fresh/ (and fresh.gen.ts), then every module main.ts reaches into DENO_DIR. Some npm packages
# ship world-writable files: no file of the app may be writable by its user.
RUN deno task build \
    && deno cache --frozen main.ts services/password_worker.ts services/media/media_worker.ts \
    && mv /app/.deno-cache /deno-cache \
    && chmod -R go-w /app

# ---------------------------------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN groupadd --gid 10001 prok \
    && useradd --uid 10001 --gid prok --no-log-init --no-create-home --home-dir /app --shell /usr/sbin/nologin prok \
    && mkdir -p /app/data \
    && chown prok:prok /app/data

COPY --from=build /opt/deno/deno /usr/local/bin/deno
# The app, node_modules and _fresh/ stay root-owned (read-only for the app); DENO_DIR is the app's, for V8's code cache.
COPY --from=build /app /app
COPY --from=build --chown=prok:prok /deno-cache /app/.deno-cache

# Docker sets HOSTNAME to the container's name; Prok reads it as the address to listen on, so it is set here.
# PROK_PREBUILT: the bundles in _fresh/ are served as built above; start-up never rebuilds them (it could not: /app is
# read-only to the app).
ENV PROK_ENV=production \
    PROK_PREBUILT=1 \
    HOSTNAME=0.0.0.0 \
    PORT=8000 \
    PROK_DATA_DIR=/app/data \
    DENO_DIR=/app/.deno-cache \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1

WORKDIR /app
VOLUME ["/app/data"]
USER prok
EXPOSE 8000

# No curl in the image, and a second deno every 30 s would cost a runtime's start: bash alone asks the liveness route.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8000} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]

# --cached-only: fail loudly rather than download anything at runtime.
CMD ["deno", "run", "-A", "--cached-only", "main.ts"]

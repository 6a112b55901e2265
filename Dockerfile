# semauth as a container image: `docker build -t semauth .` (docs/deploy.md).
#
#   build    compiles the TypeScript and packs @semauth/server exactly as it
#            is published (`npm pack`): compiled JavaScript, migrations, bin
#   install  installs that tarball with its runtime dependencies only; the
#            native modules (better-sqlite3, argon2, bcrypt) are built here
#   runtime  node:20-slim, the installed package, a non-root user, SQLite
#            data on a volume
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
# No install scripts: compiling TypeScript needs none of the native modules.
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm run build \
 && mkdir /pack \
 && npm pack --workspace @semauth/server --ignore-scripts --pack-destination /pack

FROM ${NODE_IMAGE} AS install
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/semauth
COPY --from=build /pack/ /tmp/pack/
RUN echo '{"name":"semauth-image","private":true}' > package.json \
 && npm install --omit=dev --no-audit --no-fund /tmp/pack/*.tgz \
 && npm cache clean --force \
 && rm -rf /tmp/pack

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SEMAPHORE_DB_DIALECT=sqlite \
    SEMAPHORE_DB_HOST=/var/lib/semauth/semauth.sqlite \
    SEMAPHORE_INTERFACE=0.0.0.0 \
    SEMAPHORE_PORT=3000 \
    SEMAUTH_LOG_FORMAT=json
RUN groupadd --system --gid 10001 semauth \
 && useradd --system --uid 10001 --gid semauth --home-dir /var/lib/semauth --shell /usr/sbin/nologin semauth \
 && mkdir -p /var/lib/semauth \
 && chown semauth:semauth /var/lib/semauth \
 && chmod 700 /var/lib/semauth
COPY --from=install /opt/semauth /opt/semauth
USER semauth:semauth
WORKDIR /var/lib/semauth
VOLUME ["/var/lib/semauth"]
EXPOSE 3000
# `semauth healthcheck` asks /api/health at the address the settings give (port and web root included).
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
  CMD ["node", "/opt/semauth/node_modules/@semauth/server/bin/semauth.js", "healthcheck"]
# node runs as PID 1, with no npm or shell in between: the SIGTERM of
# `docker stop` reaches semauth, which handles it (PID 1 gets no default
# signal handling) by finishing the requests in flight within
# SEMAUTH_SHUTDOWN_TIMEOUT_SECONDS (default 10). Docker sends SIGKILL 10 s
# after SIGTERM: raise `--stop-timeout` above that setting if you raise it.
ENTRYPOINT ["node", "/opt/semauth/node_modules/@semauth/server/bin/semauth.js"]
CMD ["server"]

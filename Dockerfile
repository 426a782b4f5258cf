# Tidewatch's container image. Build:   docker build -t tidewatch .
#
# Two stages: `build` compiles better-sqlite3 (a native module) and the TypeScript on an alpine
# Node LTS, then keeps only the packages the bundle loads from node_modules
# (scripts/runtime-modules.js: about 17 MB, where every production dependency would be 80); the
# runtime stage copies dist/, bin/ and those node_modules onto a clean image of the same base, so
# the native module matches its libc, and adds the programs Tidewatch's features run: git and ssh
# (GitOps sources, ssh:// engines) and docker compose (compose write-back, GitOps projects).
#
# Dockerfile.local is the same runtime stage without the build stage, for a build made on the host
# (see the comment at its top); keep the two runtime stages identical (test/integration/image.test.ts
# checks that they are).
ARG BASE=node:22-alpine

FROM ${BASE} AS build
RUN apk add --no-cache python3 make g++
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && node scripts/runtime-modules.js /runtime

FROM ${BASE} AS runtime
# docker-cli-compose is Compose v2, run as `docker compose` (src/compose/cli.ts tries it first).
RUN apk add --no-cache git openssh-client docker-cli docker-cli-compose
COPY --from=build /src/package.json /app/package.json
COPY --from=build /src/bin /app/bin
COPY --from=build /src/dist /app/dist
COPY --from=build /runtime/node_modules /app/node_modules
# --- runtime (identical in Dockerfile.local from here on) ---
WORKDIR /app
# /data belongs to uid 1000, so `--user 1000:<docker group>` can write a fresh volume (the engine
# copies this ownership into a new named volume). Exec form: no shell is needed in the base.
RUN ["node", "-e", "require('fs').mkdirSync('/data',{recursive:true,mode:0o700});require('fs').chownSync('/data',1000,1000)"]
ENV NODE_ENV=production \
    TIDEWATCH_DATA_DIR=/data \
    TIDEWATCH_HTTP_ADDR=0.0.0.0:8080
VOLUME /data
EXPOSE 8080
# tidewatch.self marks the image (and every container made from it) as an updater: no Tidewatch or
# Watchtower ever updates it in a cycle; Tidewatch updates itself through its own handover
# (docs/self-update.md).
# VERSION and REVISION say which build this is (the release links of docs/release-links.md read
# them): docker build --build-arg VERSION=$(node -p "require('./package.json').version") \
#   --build-arg REVISION=$(git rev-parse HEAD) ...
ARG VERSION=unknown
ARG REVISION=unknown
LABEL tidewatch.self="true" \
      org.opencontainers.image.title="Tidewatch" \
      org.opencontainers.image.source="https://github.com/tidewatch/tidewatch" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.description="Keeps running Docker containers up to date, safely" \
      org.opencontainers.image.licenses="Apache-2.0"
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "/app/bin/tidewatch.js", "healthcheck"]
ENTRYPOINT ["node", "/app/bin/tidewatch.js"]
CMD ["run"]

# The controller image: Node 24 LTS (the version in .node-version), production dependencies and
# compiled output only, run as a non-root user. test/, bench/ and tools/ never enter it.
# Base images are pinned by tag; see docs/operations.md for refreshing their digests.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production KUBEMCI_NODE=/usr/local/bin/node
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY registry-crds ./registry-crds
# The image's own "node" user (uid 1000); the Deployment also sets runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["/app/bin/kubemci-controller"]

# syntax=docker/dockerfile:1
# Switchyard gateway (and, with another command, the example subgraphs): build with dev dependencies,
# run with production dependencies only, as the unprivileged `node` user.
#   docker build -t switchyard .
#   docker run --rm -p 4000:4000 -e SWITCHYARD_JWT_SECRET=… switchyard

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY gateway ./gateway
COPY subgraphs ./subgraphs
RUN npm run build \
 && for schema in subgraphs/*/schema.graphql; do cp "$schema" "dist/$schema"; done

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# supergraph.yaml names its schema files relative to itself; a deployment mounts its own (ConfigMap).
COPY supergraph.yaml ./
COPY subgraphs/accounts/schema.graphql ./subgraphs/accounts/schema.graphql
COPY subgraphs/products/schema.graphql ./subgraphs/products/schema.graphql
COPY subgraphs/inventory/schema.graphql ./subgraphs/inventory/schema.graphql
COPY subgraphs/reviews/schema.graphql ./subgraphs/reviews/schema.graphql
USER node
EXPOSE 4000
# Liveness: the process answers (readiness, /ready, is for load balancers and Kubernetes).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same flags as `npm run gateway` (gateway/cli/node-flags.ts).
CMD ["node", "--heap-growing-percent=100", "dist/gateway/cli/main.js", "--supergraph-config", "supergraph.yaml"]

# Build stage: compiles TypeScript, the dashboard and native addons, then drops dev dependencies.
# Node 24 (Active LTS; Node 20 reached end of life in April 2026). Both stages use the same major:
# better-sqlite3's native addon is built for it here. test/dockerImage.test.ts checks this file.
FROM node:24-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, so code changes reuse the cached npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY app ./app
COPY config ./config
COPY db ./db
# npm run build ends with the dashboard's Vite build (into dist/dashboard).
COPY dashboard ./dashboard
RUN npm run build && npm prune --omit=dev

# Runtime stage: no compilers, no dev dependencies, not root.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
# Without MYSQL_URL the app runs embedded on SQLite in ./data; the rest of /app
# stays root-owned and read-only for the node user.
RUN mkdir data && chown node:node data
USER node
EXPOSE 8006 2525
CMD ["node", "dist/app/main.js"]

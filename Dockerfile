# Pitwall: build the single binary with Bun (from npm), ship only the binary on a slim glibc base.
# Build:  docker build -t pitwall .      (fly deploy does this remotely)

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# devDependencies too: Bun itself comes from npm.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && ./dist/pitwall --help > /dev/null

FROM debian:bookworm-slim
# CA certificates for TLS to Claude, Meilisearch over HTTPS and PostgreSQL with sslmode; nothing else is needed
# (the binary links only glibc).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin pitwall \
 && mkdir -p /app /var/lib/pitwall && chown pitwall:pitwall /var/lib/pitwall
COPY --from=build /src/dist/pitwall /app/pitwall
USER pitwall
WORKDIR /app
ENV PORT=8080 PITWALL_DATA_DIR=/var/lib/pitwall METRICS_PORT=9091
# 8080: the app (Fly's proxy); 9091: /metrics only, for Fly's scraper on the private network.
EXPOSE 8080 9091
STOPSIGNAL SIGTERM
CMD ["/app/pitwall", "serve"]

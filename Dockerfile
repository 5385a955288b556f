# syntax=docker/dockerfile:1
# Switchboard: build with cargo-leptos, run from a slim, non-root image.
#   docker build -t switchboard .
#   docker run -p 8080:8080 -v switchboard-data:/data \
#     -e SWITCHBOARD_ADMIN_EMAIL=you@example.com -e SWITCHBOARD_ADMIN_PASSWORD='a long passphrase' switchboard

FROM node:20-bookworm-slim AS node

FROM rust:1.95-bookworm AS build
# Node for the Tailwind CSS CLI and binaryen's wasm-opt (npm packages, as in development).
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s /usr/local/lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
RUN rustup target add wasm32-unknown-unknown \
 && cargo install cargo-leptos --version 0.3.10 --locked --features no_downloads \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
# --precompress writes a brotli and a gzip copy beside each site file; the server sends them.
# --split writes the lazily loaded areas of the dashboard as their own WASM modules (the lazy
# routes need it).
RUN cargo leptos build --release --precompress --split && strip target/release/switchboard

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin switchboard \
 && mkdir -p /data \
 && chown switchboard:switchboard /data
WORKDIR /app
COPY --from=build /src/target/release/switchboard /app/switchboard
# The hashed file names of the site (Leptos reads them beside the binary).
COPY --from=build /src/target/release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
ENV LEPTOS_OUTPUT_NAME=switchboard \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_HASH_FILES=true \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    LEPTOS_ENV=PROD \
    SWITCHBOARD_DATA_DIR=/data
USER switchboard
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/app/switchboard", "healthcheck"]
ENTRYPOINT ["/app/switchboard"]
CMD ["serve"]

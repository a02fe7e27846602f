# wavebot's container image: a static binary on a distroless base, run as
# a non-root user. Build from the repository's top directory, with Docker
# or with podman (whose default image format drops HEALTHCHECK):
#
#   docker build --build-arg VERSION=1.4.0 --build-arg COMMIT="$(git rev-parse --short HEAD)" -t wavebot:1.4.0 .
#   podman build --format docker --build-arg VERSION=1.4.0 --build-arg COMMIT="$(git rev-parse --short HEAD)" -t wavebot:1.4.0 .
#
# .ci/run lints this file and runs its go build line on the host; .ci/image
# builds it with podman, as it stands, and runs the image: read-only, as
# uid 65532, healthy, ready only while Redis answers, ending with 0 on
# SIGTERM, and keeping Copenhagen's time without a zone database.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/wavebot ./cmd/wavebot
# The data directory of the embedded store, owned by the user that runs
# wavebot; a volume mounted there starts with this owner.
RUN mkdir -p /out/data && chown 65532:65532 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wavebot /usr/local/bin/wavebot
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV WAVEBOT_DATA_DIR=/data WAVEBOT_LISTEN=:8080
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 CMD ["/usr/local/bin/wavebot", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/wavebot"]
CMD ["serve"]

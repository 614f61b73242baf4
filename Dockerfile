# Bookcase in a container: a static binary (SQLite is compiled in through cgo and linked
# statically, with glibc's resolver and user lookup replaced by Go's: netgo, osusergo), in an
# image that holds that binary and nothing else.
#
#   docker build -t bookcase .
#   docker run -p 4996:4996 -v bookcase:/data bookcase
#
# Without a registry (CI, or a machine that cannot pull golang), build the binary on the host
# and let it stand in for the build stage (podman/buildah): see deploy/container-test.

FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -tags 'sqlite_fts5 netgo osusergo' -trimpath \
        -ldflags '-s -w -extldflags -static' -o /out/bookcase . \
    && mkdir -p /out/data

FROM scratch
COPY --from=build /out/bookcase /bookcase
# /data belongs to the user the server runs as, never root; a named volume copies this.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV BOOKCASE_ADDR=0.0.0.0:4996 \
    BOOKCASE_DB=/data/bookcase.db \
    BOOKCASE_UPLOAD_DIR=/data/uploads
VOLUME /data
EXPOSE 4996
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s CMD ["/bookcase", "healthcheck"]
ENTRYPOINT ["/bookcase"]

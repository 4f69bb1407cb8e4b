# Dreamweaver as a container image: the compiled binary on a minimal glibc base, running as a non-root
# user. The binary holds its runtime, so the image needs nothing else (no Node, Bun or shell).
#
#   npm ci && npm run build:bins
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/dreamweaver:0.1.0 --push .
#
# This repository's CI cannot build images; see docs/cli.md#container-image.

# The binary for the platform being built (Docker says amd64 where Bun says x64).
FROM scratch AS binary-amd64
COPY release/dreamweaver-linux-x64 /dreamweaver
FROM scratch AS binary-arm64
COPY release/dreamweaver-linux-arm64 /dreamweaver
FROM binary-${TARGETARCH} AS binary

FROM gcr.io/distroless/base-nossl-debian12:nonroot
COPY --from=binary --chmod=0555 /dreamweaver /usr/local/bin/dreamweaver
# distroless's "nonroot" user, by number, so that Kubernetes can check runAsNonRoot.
USER 65532:65532
WORKDIR /home/nonroot
# The built-in receiver's OTLP/gRPC and OTLP/HTTP ports, for `dreamweaver sink --host 0.0.0.0`.
EXPOSE 4317 4318
ENTRYPOINT ["/usr/local/bin/dreamweaver"]
CMD ["--help"]

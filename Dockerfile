# Longshore: a static binary on a minimal image, running as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/longshore .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/longshore /usr/local/bin/longshore
ENV LONGSHORE_LISTEN=0.0.0.0:4566
EXPOSE 4566
USER nonroot:nonroot
HEALTHCHECK --interval=10s --timeout=3s --start-period=2s --retries=3 \
  CMD ["/usr/local/bin/longshore", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/longshore"]

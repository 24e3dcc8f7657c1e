# The lab's three modules as images for Kubernetes, taken from the lab's own
# image (build that first: `docker build -t envoy-dynamic-modules-lab .`).
#
#   docker build -f deploy/kubernetes/modules.Dockerfile --target modules   -t REGISTRY/envoy-dynamic-modules:TAG .
#   docker build -f deploy/kubernetes/modules.Dockerfile --target installer -t REGISTRY/envoy-dynamic-modules-installer:TAG .
#
# `modules` is the image volume of envoyproxy-image-volume.yaml: nothing but
# the .so files, at its root. `installer` is the init container of
# envoyproxy-init-container.yaml: it copies them into the directory it is given.

ARG LAB_IMAGE=envoy-dynamic-modules-lab
ARG INSTALLER_BASE=busybox:1.37

FROM ${LAB_IMAGE} AS lab

FROM scratch AS modules
COPY --from=lab /usr/local/lib/librust_module.so /usr/local/lib/libgo_module.so /usr/local/lib/libcpp_module.so /

FROM ${INSTALLER_BASE} AS installer
COPY --from=modules / /modules/
USER 65532
ENTRYPOINT ["sh", "-c", "cp /modules/*.so \"$0\"/"]

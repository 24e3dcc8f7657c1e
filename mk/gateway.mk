# Many Envoys under Envoy Gateway (standalone, no Kubernetes), included from
# the Makefile.
#
#   make gateway        Envoy Gateway, two Gateways (two Envoys) and the routes
#                       of deploy/standalone/, until Ctrl-C
#   make gateway-test   the same, tested by traffic; then the Kubernetes
#                       manifests of deploy/kubernetes/ validated offline
#   make gateway-status beside a running `make gateway`: what each Envoy runs
#                       (modules, filters, config hashes) against what the
#                       policies ask, every drift and rejected update
#
# Envoy Gateway is built from the Go module proxy into build/gateway/bin (about
# 6 minutes and 3 GB of Go caches the first time; reused after). Its v1.9.1
# binds fixed ports (18000, 18002, 8081, 19003, 19001), so everything runs in
# a network namespace of its own, created here: nothing binds the machine's ports.

EG_VERSION  := v1.9.1
EG_MODULE   := github.com/envoyproxy/gateway
GATEWAY_BIN := $(abspath $(BUILD)/gateway/bin)
EG_BIN      := $(GATEWAY_BIN)/envoy-gateway
KUBECONFORM_VERSION := v0.8.0
KUBECONFORM := $(GATEWAY_BIN)/kubeconform
# Where `go install` left Envoy Gateway's module source: its CRDs are there.
EG_SRC       = $(shell go env GOMODCACHE)/$(EG_MODULE)@$(EG_VERSION)
EG_CRDS      = $(EG_SRC)/charts/gateway-helm/charts/crds/crds
K8S_SCHEMAS := $(BUILD)/gateway/schemas

.PHONY: gateway gateway-test gateway-status gateway-bin gateway-k8s-validate

# unshare --net gives a namespace with only a loopback, which starts down.
# It needs root; anyone else gets the same through a user namespace.
define in_netns
	@command -v unshare >/dev/null && command -v ip >/dev/null || { echo "gateway: needs unshare (util-linux) and ip (iproute2)" >&2; exit 1; }
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "gateway: creating a network namespace needs root. As this user, run:" >&2; \
	  echo "  unshare --user --map-root-user --net sh -c 'ip link set lo up && make $@'" >&2; \
	  exit 1; fi
	unshare --net -- sh -c 'ip link set lo up && exec "$$@"' sh $(1)
endef

gateway-bin:
	@if [ -x $(EG_BIN) ] && go version -m $(EG_BIN) | grep -q "mod[[:space:]]*$(EG_MODULE)[[:space:]]*$(EG_VERSION)"; then \
	  echo "envoy-gateway $(EG_VERSION): $(EG_BIN)"; \
	else \
	  echo "building envoy-gateway $(EG_VERSION) from the Go module proxy (about 6 minutes the first time)"; \
	  GOBIN=$(GATEWAY_BIN) go install $(EG_MODULE)/cmd/envoy-gateway@$(EG_VERSION); \
	fi

gateway: build venv gateway-bin
	$(call in_netns,$(PYTHON) integration/gateway/eg.py up)

# Enters the network namespace of the running `make gateway` (its Envoy
# Gateway's PID is in build/gateway/eg.pid); exit code 1 when there is drift.
gateway-status: venv
	@test -f $(BUILD)/gateway/eg.pid || { echo "gateway-status: no running make gateway (no $(BUILD)/gateway/eg.pid)" >&2; exit 2; }
	nsenter --net=/proc/$$(cat $(BUILD)/gateway/eg.pid)/ns/net $(PYTHON) integration/gateway/eg_status.py

# -s: the live swap prints its request counts.
gateway-test: build test-lib venv gateway-bin gateway-k8s-validate
	$(call in_netns,env GATEWAY_TEST=1 $(PYTHON) -m pytest integration/gateway -v -s -p no:cacheprovider)

# The manifests of deploy/kubernetes/ against the CRDs Envoy Gateway
# $(EG_VERSION) ships (its own and the Gateway API's), converted to JSON Schema
# by deploy/kubernetes/crd2schema.py. Structure, types, enums, patterns and
# required fields are checked, and unknown fields fail (-strict); CEL rules
# need an API server and are not. Nothing is applied to a cluster.
$(KUBECONFORM):
	GOBIN=$(GATEWAY_BIN) go install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)

gateway-k8s-validate: venv gateway-bin $(KUBECONFORM)
	@test -d $(EG_CRDS) || { echo "no CRDs at $(EG_CRDS)" >&2; exit 1; }
	rm -rf $(K8S_SCHEMAS)
	$(PYTHON) deploy/kubernetes/crd2schema.py $(K8S_SCHEMAS) $(EG_CRDS)/generated/*.yaml $(EG_CRDS)/gatewayapi-crds.yaml
	$(KUBECONFORM) -strict -summary -output text \
	  -schema-location '$(K8S_SCHEMAS)/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' \
	  deploy/kubernetes/*.yaml
	$(VENV)/bin/hadolint deploy/kubernetes/modules.Dockerfile

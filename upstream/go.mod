module github.com/envoy-dynamic-modules-lab/upstream

go 1.23

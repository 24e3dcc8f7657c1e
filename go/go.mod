module github.com/envoy-dynamic-modules-lab/go_module

go 1.23

module example.com/{{module}}

go 1.23

require github.com/envoy-dynamic-modules-lab/go_module v0.0.0

// The SDK of the repository this project was made from.
replace github.com/envoy-dynamic-modules-lab/go_module => {{repo}}/go

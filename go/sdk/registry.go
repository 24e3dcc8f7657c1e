// Filter names to constructors: the module's dispatch table, filled by the
// filters' package (main.go) before Envoy loads anything, and looked up once
// per filter configuration (never per request). Mirrors rust/sdk/src/registry.rs.

// Package sdk is the Go side of the Envoy dynamic-module ABI (abi/abi.h) for
// HTTP filters: it exports every hook Envoy calls, and a filter package
// registers its filters here (RegisterFilter, RegisterPerRoute), each
// implementing only the hooks it needs (filter.go).
package sdk

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// registry is the module: its name (the lib{name}.so stem), its filters by
// name in registration order (error messages list them so), and the
// per-route overrides it understands, by per_route_config_name.
var registry = struct {
	name     string
	filters  map[string]func(envoy EnvoyHTTPFilterConfig, config []byte) (configBox, error)
	names    []string
	perRoute map[string]func(envoy EnvoyHTTPFilterConfig, config []byte) (any, error)
}{
	name:     "go_module",
	filters:  map[string]func(EnvoyHTTPFilterConfig, []byte) (configBox, error){},
	perRoute: map[string]func(EnvoyHTTPFilterConfig, []byte) (any, error){},
}

// language is what the load line says this module is written in.
const language = "go"

// SetModuleName names the module in its log lines: the lib{name}.so stem
// Envoy loaded it by.
func SetModuleName(name string) {
	registry.name = name
}

// RegisterFilter registers a filter under the name Envoy's filter_name uses.
// newConfig builds one configuration from its filter_config bytes: JSON text
// for a google.protobuf.Struct, the raw bytes of a StringValue, empty when
// absent. The bytes are Envoy's and valid only during the call, so copy what
// you keep (encoding/json does). An error refuses the configuration, and its
// text is the reason Envoy's log shows (config.go).
//
// The hooks that enter Go are the ones F implements (filter.go), found here
// once: a filter that implements none costs its streams no Go at all.
func RegisterFilter[C FilterConfig[F], F any](name string, newConfig func(config []byte) (C, error)) {
	RegisterFilterWithEnvoy(name, func(_ EnvoyHTTPFilterConfig, config []byte) (C, error) {
		return newConfig(config)
	})
}

// RegisterFilterWithEnvoy is RegisterFilter for a constructor that also asks
// Envoy for something while the configuration is made (metrics.go: define
// counters). The handle is valid only during the call.
func RegisterFilterWithEnvoy[C FilterConfig[F], F any](name string,
	newConfig func(envoy EnvoyHTTPFilterConfig, config []byte) (C, error)) {
	if _, dup := registry.filters[name]; dup {
		panic(fmt.Sprintf("sdk: filter %q registered twice", name))
	}
	hooks, perStream := hooksOfType[F]()
	registry.filters[name] = func(envoy EnvoyHTTPFilterConfig, config []byte) (configBox, error) {
		made, err := newConfig(envoy, config)
		if err != nil {
			return configBox{}, err
		}
		if v := reflect.ValueOf(made); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
			return configBox{}, errors.New("the constructor returned no config")
		}
		box := configBox{
			config:    made,
			newFilter: func(envoy EnvoyHTTPFilter) any { return made.NewFilter(envoy) },
			hooks:     hooks,
			perStream: perStream,
		}
		if shared, ok := any(made).(SharedFilterConfig[F]); ok {
			filter := shared.SharedFilter()
			if v := reflect.ValueOf(filter); !v.IsValid() || v.Kind() == reflect.Pointer && v.IsNil() {
				return configBox{}, errors.New("SharedFilter returned no filter")
			}
			box.shared = filter
			if perStream {
				box.hooks, box.perStream = hooksOf(filter), false
			}
		}
		return box, nil
	}
	registry.names = append(registry.names, name)
}

// RegisterPerRoute registers a per-route override (a route's
// DynamicModuleFilterPerRoute) under the per_route_config_name routes use.
// newConfig builds one from its filter_config bytes, under the same rules as
// RegisterFilter's. A filter gets it back during a stream from
// EnvoyHTTPFilter.PerRouteConfig. Streams keep the value after Envoy releases
// it (memory.go), so it must hold Go memory only: the GC frees it.
func RegisterPerRoute[R any](name string, newConfig func(config []byte) (R, error)) {
	if _, dup := registry.perRoute[name]; dup {
		panic(fmt.Sprintf("sdk: per-route config %q registered twice", name))
	}
	registry.perRoute[name] = func(_ EnvoyHTTPFilterConfig, config []byte) (any, error) { return newConfig(config) }
}

// filterNames lists the registered names, for messages.
func filterNames() string {
	return strings.Join(registry.names, ", ")
}

// programInit is the body of envoy_dynamic_module_on_program_init: it says
// which implementation Envoy just loaded (tests that swap .so files read this
// line). The hook returns the ABI version.
func programInit() {
	logInit()
	logf(logInfo, "%s: loaded, language=%s, filters=[%s]", registry.name, language, filterNames())
}

// Filter names to constructors: the module's dispatch table, looked up once
// per filter configuration (never per request). Mirrors rust/sdk/src/registry.rs.

package main

import (
	"fmt"
	"strings"
)

// NewFilterConfig builds one filter configuration from its filter_config
// bytes: JSON text for a google.protobuf.Struct, the raw bytes of a
// StringValue, empty when absent. The bytes are Envoy's and valid only during
// the call, so copy what you keep (encoding/json does). An error refuses the
// configuration, and its text is the reason Envoy's log shows.
type NewFilterConfig func(config []byte) (FilterConfig, error)

// NewPerRouteConfig builds one per-route override (a route's
// DynamicModuleFilterPerRoute) from its filter_config bytes, under the same
// rules as NewFilterConfig. A filter gets it back during a stream with
// EnvoyHTTPFilter.PerRouteConfig and type-asserts it to what its constructor
// returns. If the value implements interface{ Destroy() }, it is called when
// Envoy releases the override.
type NewPerRouteConfig func(config []byte) (any, error)

// filterEntry registers one filter under the name Envoy's filter_name uses.
type filterEntry struct {
	name      string
	newConfig NewFilterConfig
}

// perRouteEntry registers one per-route constructor under the
// per_route_config_name routes use.
type perRouteEntry struct {
	name      string
	newConfig NewPerRouteConfig
}

// Module is what a module is: its name (the lib{name}.so stem), its language,
// its filters by name, and the per-route overrides it understands, by
// per_route_config_name. Declared once, in main.go.
type Module struct {
	name     string
	language string
	filters  map[string]NewFilterConfig // the registry
	names    []string                   // registration order, for messages
	perRoute map[string]NewPerRouteConfig
}

func newModule(name, language string, filters []filterEntry, perRoute []perRouteEntry) *Module {
	m := &Module{
		name:     name,
		language: language,
		filters:  make(map[string]NewFilterConfig, len(filters)),
		perRoute: make(map[string]NewPerRouteConfig, len(perRoute)),
	}
	for _, f := range filters {
		m.filters[f.name] = f.newConfig
		m.names = append(m.names, f.name)
	}
	for _, r := range perRoute {
		m.perRoute[r.name] = r.newConfig
	}
	return m
}

// filterNames lists the registered names, for messages.
func (m *Module) filterNames() string {
	return strings.Join(m.names, ", ")
}

// programInit is the body of envoy_dynamic_module_on_program_init: it says
// which implementation Envoy just loaded (tests that swap .so files read this
// line). The hook returns the ABI version.
func (m *Module) programInit() {
	logf(LogInfo, "%s: loaded, language=%s, filters=[%s]", m.name, m.language, m.filterNames())
}

// newFilterConfig is the body of envoy_dynamic_module_on_http_filter_config_new:
// it finds the filter's constructor and runs it behind the panic barrier. On
// failure it logs the one line docs/CONTRACT.md prescribes and returns false.
// maxConfigBytes is the largest filter_config a filter is handed. Configs are a
// few hundred bytes; anything near this is a mistake or an attack on the parser.
const maxConfigBytes = 1 << 20

func (m *Module) newFilterConfig(name string, config []byte) (configBox, bool) {
	name = strings.ToValidUTF8(name, "\uFFFD")
	newConfig, found := m.filters[name]
	if !found {
		m.refuse(name, "unknown filter name; this module has: "+m.filterNames())
		return configBox{}, false
	}
	if len(config) > maxConfigBytes {
		m.refuse(name, fmt.Sprintf("invalid filter_config: %d bytes is over the %d-byte limit", len(config), maxConfigBytes))
		return configBox{}, false
	}
	var made FilterConfig
	var err error
	ok := guard(func() string {
		return fmt.Sprintf("%s: filter '%s' config creation", m.name, name)
	}, func() {
		made, err = newConfig(config)
	})
	switch {
	case !ok:
		return configBox{}, false // the panic is logged
	case err != nil:
		m.refuse(name, "invalid filter_config: "+err.Error())
		return configBox{}, false
	case made == nil:
		m.refuse(name, "invalid filter_config: the constructor returned no config")
		return configBox{}, false
	}
	return configBox{name: name, config: made}, true
}

func (m *Module) refuse(name, why string) {
	logf(LogError, "%s: filter '%s': %s", m.name, name, why)
}

// destroy is the body of envoy_dynamic_module_on_http_filter_config_destroy:
// a config that owns resources frees them in its Destroy method.
func (c *configBox) destroy() {
	d, ok := c.config.(interface{ Destroy() })
	if !ok {
		return
	}
	guard(func() string {
		return fmt.Sprintf("%s: filter '%s' config destroy", module.name, c.name)
	}, d.Destroy)
}

// perRouteBox is what a per_route_config_module_ptr stands for (memory.go).
type perRouteBox struct {
	name   string // the per_route_config_name it was registered under
	config any
}

// newPerRouteConfig is the body of
// envoy_dynamic_module_on_http_filter_per_route_config_new, like
// newFilterConfig for a route's override.
func (m *Module) newPerRouteConfig(name string, config []byte) (perRouteBox, bool) {
	name = strings.ToValidUTF8(name, "\uFFFD")
	newConfig, found := m.perRoute[name]
	if !found {
		m.refusePerRoute(name, "no filter of this module takes a per-route config by that name")
		return perRouteBox{}, false
	}
	if len(config) > maxConfigBytes {
		m.refusePerRoute(name, fmt.Sprintf("invalid filter_config: %d bytes is over the %d-byte limit", len(config), maxConfigBytes))
		return perRouteBox{}, false
	}
	var made any
	var err error
	ok := guard(func() string {
		return fmt.Sprintf("%s: per-route config '%s' creation", m.name, name)
	}, func() {
		made, err = newConfig(config)
	})
	switch {
	case !ok:
		return perRouteBox{}, false // the panic is logged
	case err != nil:
		m.refusePerRoute(name, "invalid filter_config: "+err.Error())
		return perRouteBox{}, false
	}
	return perRouteBox{name: name, config: made}, true
}

func (m *Module) refusePerRoute(name, why string) {
	logf(LogError, "%s: per-route config '%s': %s", m.name, name, why)
}

// destroy is the body of
// envoy_dynamic_module_on_http_filter_per_route_config_destroy.
func (r *perRouteBox) destroy() {
	d, ok := r.config.(interface{ Destroy() })
	if !ok {
		return
	}
	guard(func() string {
		return fmt.Sprintf("%s: per-route config destroy", module.name)
	}, d.Destroy)
}

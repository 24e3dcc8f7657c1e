// header_mutation: sets, replaces and removes request and response headers,
// and stamps every response with three of Envoy's attributes. Mirrors
// rust/filters/src/http/header_mutation.rs.
//
// Config (JSON; unknown fields are refused):
//
//	{"request_headers": [["x-k", "v"]], "remove_request_headers": ["x-gone"],
//	 "response_headers": [["x-k", "v"]], "remove_response_headers": ["x-gone"],
//	 "allow_pseudo_headers": false}
//
// A route may override the whole config with a DynamicModuleFilterPerRoute
// whose per_route_config_name is header_mutation and whose filter_config has
// the same shape; the stream then uses the route's rules instead.
//
// Removals run before sets, so a header named in both ends up set. Setting
// replaces every existing value. Names are lowercased, must be HTTP tokens, and
// may name a pseudo-header (:path) only with allow_pseudo_headers. Values must
// be non-empty (Envoy 1.40 treats an empty value as a removal) and free of CR,
// LF and NUL, so a config cannot split a response.
//
// Cost: entering C from Go (a cgo call) costs far more than Envoy's
// set_header itself, so a filter config's changes are compiled once into two
// sdk.HeaderBatch values in C memory, one per direction (the response one
// ending with the three attribute stamps), and each phase hands the handle
// its batch, which the hook's C half runs once Go returns: no crossing per
// header, none of its own. Streams share one filter (SharedFilter), so they
// also begin and end without entering Go. A route's override stays in
// Go memory and is applied one operation at a time: a stream that found it
// keeps a reference (sdk.EnvoyHTTPFilter.PerRouteConfig), so a route update
// that releases it mid-stream frees nothing the stream still uses.
//
// Attributes: each value is copied before set_header gets it, so the header
// is never set from memory that Envoy may change while it sets headers. Values
// of any length are stamped, none is dropped (the batch copies to the stack,
// or the heap past 128 bytes, as Rust and C++ do; the one-by-one path to a
// pooled buffer), and the request path allocates nothing in Go.

package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// The headers every response gets, and the attributes they come from.
const (
	DownstreamAddressHeader = "x-downstream-address"
	UpstreamAddressHeader   = "x-upstream-address"
	ResponseCodeHeader      = "x-response-code"
)

type rawHeaderMutationConfig struct {
	RequestHeaders        [][]string `json:"request_headers"`
	RemoveRequestHeaders  []string   `json:"remove_request_headers"`
	ResponseHeaders       [][]string `json:"response_headers"`
	RemoveResponseHeaders []string   `json:"remove_response_headers"`
	AllowPseudoHeaders    bool       `json:"allow_pseudo_headers"`
}

// HeaderValue is one header to set.
type HeaderValue struct {
	Name  string
	Value []byte
}

// Mutations are the changes for one direction, validated and lowercased.
type Mutations struct {
	Set    []HeaderValue
	Remove []string
}

// apply makes one direction's changes: removals first, so a header named in
// both ends up set.
func (m *Mutations) apply(envoy sdk.EnvoyHTTPFilter, kind sdk.HeaderType) {
	for _, name := range m.Remove {
		envoy.RemoveHeader(kind, name)
	}
	for _, h := range m.Set {
		envoy.SetHeader(kind, h.Name, h.Value)
	}
}

// Rules are the validated mutations of one config (or one route), read-only
// and shared by its streams.
type Rules struct {
	Request  Mutations
	Response Mutations
}

// parseRules parses and validates a config; every error names the offending
// entry. The result is in Go memory.
func parseRules(config []byte) (*Rules, error) {
	var raw rawHeaderMutationConfig
	if err := sdk.ParseJSON(config, &raw); err != nil {
		return nil, err
	}
	pseudo := raw.AllowPseudoHeaders
	var rules Rules
	var err error
	if rules.Request.Set, err = setList("request_headers", raw.RequestHeaders, pseudo); err != nil {
		return nil, err
	}
	if rules.Request.Remove, err = nameList("remove_request_headers", raw.RemoveRequestHeaders, pseudo); err != nil {
		return nil, err
	}
	if rules.Response.Set, err = setList("response_headers", raw.ResponseHeaders, pseudo); err != nil {
		return nil, err
	}
	if rules.Response.Remove, err = nameList("remove_response_headers", raw.RemoveResponseHeaders, pseudo); err != nil {
		return nil, err
	}
	return &rules, nil
}

func setList(field string, pairs [][]string, pseudo bool) ([]HeaderValue, error) {
	set := make([]HeaderValue, 0, len(pairs))
	for i, pair := range pairs {
		at := fmt.Sprintf("%s[%d]", field, i)
		if len(pair) != 2 {
			return nil, fmt.Errorf("%s: invalid length %d, expected an array of two strings [name, value]", at, len(pair))
		}
		name, err := checkName(at, pair[0], pseudo)
		if err != nil {
			return nil, err
		}
		if err := checkValue(at, pair[1]); err != nil {
			return nil, err
		}
		set = append(set, HeaderValue{Name: name, Value: []byte(pair[1])})
	}
	return set, nil
}

func nameList(field string, names []string, pseudo bool) ([]string, error) {
	checked := make([]string, 0, len(names))
	for i, name := range names {
		name, err := checkName(fmt.Sprintf("%s[%d]", field, i), name, pseudo)
		if err != nil {
			return nil, err
		}
		checked = append(checked, name)
	}
	return checked, nil
}

// isTokenByte reports whether b may appear in an RFC 9110 token.
func isTokenByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// checkName checks a header name and returns it lowercased.
func checkName(at, name string, allowPseudo bool) (string, error) {
	token := name
	if rest, ok := strings.CutPrefix(name, ":"); ok {
		if !allowPseudo {
			return "", fmt.Errorf(`%s: %q is a pseudo-header; set "allow_pseudo_headers": true to change it`, at, name)
		}
		token = rest
	}
	valid := token != ""
	for i := 0; i < len(token) && valid; i++ {
		valid = isTokenByte(token[i])
	}
	if !valid {
		return "", fmt.Errorf("%s: header name %q is not a valid HTTP token", at, name)
	}
	return strings.ToLower(name), nil
}

// checkValue refuses values Envoy would drop or that would split a message.
func checkValue(at, value string) error {
	if value == "" {
		return fmt.Errorf(`%s: header value is empty; Envoy removes a header set to "", list it under remove_* instead`, at)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return fmt.Errorf("%s: header value %q contains CR, LF or NUL", at, value)
	}
	return nil
}

// RouteRules is the per-route override of header_mutation and
// header_mutation_batched, in Go memory: the rules, and the same as
// operations for the batched filter, applied one at a time.
type RouteRules struct {
	rules *Rules
	ops   *BatchedRules
}

// NewHeaderMutationRoute builds a per-route override: a config of the same shape.
func NewHeaderMutationRoute(config []byte) (*RouteRules, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	return &RouteRules{
		rules: rules,
		ops:   &BatchedRules{requestOps: rules.Request.ops(), responseOps: append(rules.Response.ops(), stamps...)},
	}, nil
}

// HeaderMutationConfig is one configured header_mutation filter.
type HeaderMutationConfig struct {
	// shared is the filter of every stream: it keeps no per-stream state.
	shared *HeaderMutation
}

func NewHeaderMutationConfig(config []byte) (*HeaderMutationConfig, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	return &HeaderMutationConfig{shared: &HeaderMutation{rules: rules}}, nil
}

func (c *HeaderMutationConfig) NewFilter(sdk.EnvoyHTTPFilter) *HeaderMutation {
	return c.shared
}

// Destroy runs after the config's last stream; the rules are Go memory.
func (c *HeaderMutationConfig) Destroy() {}

// HeaderMutation is every stream's filter.
type HeaderMutation struct {
	rules *Rules
}

// rulesFor is the stream's route override if it has one, else the filter's
// rules.
func (f *HeaderMutation) rulesFor(envoy sdk.EnvoyHTTPFilter) *Rules {
	if route, ok := envoy.PerRouteConfig().(*RouteRules); ok {
		return route.rules
	}
	return f.rules
}

func (f *HeaderMutation) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.RequestHeadersStatus {
	f.rulesFor(envoy).Request.apply(envoy, sdk.RequestHeader)
	return sdk.RequestHeadersContinue
}

func (f *HeaderMutation) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.ResponseHeadersStatus {
	f.rulesFor(envoy).Response.apply(envoy, sdk.ResponseHeader)
	stampAttribute(envoy, DownstreamAddressHeader, sdk.AttributeSourceAddress)
	stampAttribute(envoy, UpstreamAddressHeader, sdk.AttributeUpstreamAddress)
	if code, ok := envoy.GetAttributeInt(sdk.AttributeResponseCode); ok {
		buffer := copies.Get().(*[]byte)
		*buffer = strconv.AppendUint((*buffer)[:0], code, 10)
		envoy.SetHeader(sdk.ResponseHeader, ResponseCodeHeader, *buffer)
		copies.Put(buffer)
	}
	return sdk.ResponseHeadersContinue
}

// copies are the buffers attribute values are copied to before a header is
// set from them; pooled, so a stream allocates nothing.
var copies = sync.Pool{New: func() any { return new([]byte) }}

func stampAttribute(envoy sdk.EnvoyHTTPFilter, header string, id sdk.AttributeID) {
	value, ok := envoy.GetAttributeString(id)
	if !ok {
		return
	}
	buffer := copies.Get().(*[]byte)
	*buffer = append((*buffer)[:0], value...)
	envoy.SetHeader(sdk.ResponseHeader, header, *buffer)
	copies.Put(buffer)
}

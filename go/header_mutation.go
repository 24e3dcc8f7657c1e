// header_mutation: sets, replaces and removes request and response headers,
// and stamps every response with three of Envoy's attributes. Mirrors
// rust/filters/src/header_mutation.rs.
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
// Memory: every name and value of a filter config is copied into C memory when
// the config is made (sdk/memory.go) and freed when Envoy destroys it, after
// its last stream, so the request path hands Envoy pre-made buffers and
// allocates nothing. A route's override stays in Go memory: a stream that
// found it keeps a reference (sdk.EnvoyHTTPFilter.PerRouteConfig), so a route
// update that releases it mid-stream frees nothing the stream still uses.
//
// Attributes: each value is copied before set_header gets it, so the header
// is never set from memory that Envoy may change while it sets headers. Values
// of any length are stamped, none is dropped: the copy goes to a pooled buffer
// that grows to the longest value seen, so the request path allocates nothing
// (Rust and C++ copy to a 128-byte stack buffer, and to the heap past it).

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

// The same names in C memory, made once for the life of the process.
var (
	downstreamAddressKey = sdk.NewModuleString(DownstreamAddressHeader)
	upstreamAddressKey   = sdk.NewModuleString(UpstreamAddressHeader)
	responseCodeKey      = sdk.NewModuleString(ResponseCodeHeader)
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

// inModuleMemory copies the rules' names and values into C memory.
func (r *Rules) inModuleMemory() *Rules {
	copyOf := func(m Mutations) Mutations {
		out := Mutations{Set: make([]HeaderValue, len(m.Set)), Remove: make([]string, len(m.Remove))}
		for i, h := range m.Set {
			out.Set[i] = HeaderValue{
				Name:  sdk.NewModuleString(h.Name),
				Value: sdk.ModuleStringBytes(sdk.NewModuleString(string(h.Value))),
			}
		}
		for i, name := range m.Remove {
			out.Remove[i] = sdk.NewModuleString(name)
		}
		return out
	}
	return &Rules{Request: copyOf(r.Request), Response: copyOf(r.Response)}
}

// destroy frees the C memory of rules made by inModuleMemory.
func (r *Rules) destroy() {
	for _, m := range []*Mutations{&r.Request, &r.Response} {
		for _, h := range m.Set {
			sdk.FreeModuleString(h.Name)
			sdk.FreeModuleBytes(h.Value)
		}
		for _, name := range m.Remove {
			sdk.FreeModuleString(name)
		}
		*m = Mutations{}
	}
}

// RouteRules is header_mutation's per-route override, in Go memory.
type RouteRules struct {
	rules *Rules
}

// NewHeaderMutationRoute builds a per-route override: a config of the same shape.
func NewHeaderMutationRoute(config []byte) (*RouteRules, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	return &RouteRules{rules: rules}, nil
}

// HeaderMutationConfig is one configured header_mutation filter.
type HeaderMutationConfig struct {
	rules *Rules // in C memory
	// shared is the filter of every stream: it never changes, so one value
	// serves all streams on all workers.
	shared *HeaderMutation
}

func NewHeaderMutationConfig(config []byte) (*HeaderMutationConfig, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	rules = rules.inModuleMemory()
	return &HeaderMutationConfig{rules: rules, shared: &HeaderMutation{rules: rules}}, nil
}

func (c *HeaderMutationConfig) NewFilter(sdk.EnvoyHTTPFilter) *HeaderMutation {
	return c.shared // nothing to allocate
}

// Destroy runs after the config's last stream.
func (c *HeaderMutationConfig) Destroy() {
	c.rules.destroy()
}

// HeaderMutation is every stream's filter: it implements the two header hooks
// only, so no other hook enters Go.
type HeaderMutation struct {
	rules *Rules
}

// rulesFor is the stream's route override if it has one, else the filter's
// rules. The stream holds the override it found first for its whole life.
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
	stampAttributes(envoy)
	return sdk.ResponseHeadersContinue
}

func stampAttributes(envoy sdk.EnvoyHTTPFilter) {
	setFromAttribute(envoy, downstreamAddressKey, sdk.AttributeSourceAddress)
	setFromAttribute(envoy, upstreamAddressKey, sdk.AttributeUpstreamAddress)
	if code, ok := envoy.GetAttributeInt(sdk.AttributeResponseCode); ok {
		envoy.SetHeader(sdk.ResponseHeader, responseCodeKey, formatCode(code))
	}
}

// attributeCopies are the buffers attribute values are copied to.
var attributeCopies = sync.Pool{New: func() any { return new([]byte) }}

// setFromAttribute sets a response header to a copy of an attribute's value
// (see the file comment), of any length.
func setFromAttribute(envoy sdk.EnvoyHTTPFilter, header string, id sdk.AttributeID) {
	value, ok := envoy.GetAttributeString(id)
	if !ok {
		return
	}
	buffer := attributeCopies.Get().(*[]byte)
	*buffer = append((*buffer)[:0], value...)
	envoy.SetHeader(sdk.ResponseHeader, header, *buffer)
	attributeCopies.Put(buffer)
}

// decimalTexts holds "0" to "999" in C memory, made once. Envoy's response
// codes have three digits, so formatting one allocates nothing and hands Envoy
// no Go pointer; a stack buffer like the Rust filter's would escape to the heap
// through the interface call.
var decimalTexts = makeDecimalTexts(1000)

func makeDecimalTexts(n int) [][]byte {
	var all []byte
	ends := make([]int, n)
	for i := range n {
		all = strconv.AppendInt(all, int64(i), 10)
		ends[i] = len(all)
	}
	block := sdk.ModuleStringBytes(sdk.NewModuleString(string(all))) // never freed
	texts := make([][]byte, n)
	start := 0
	for i, end := range ends {
		texts[i] = block[start:end:end]
		start = end
	}
	return texts
}

// formatCode formats an integer attribute in decimal.
func formatCode(code uint64) []byte {
	if code < uint64(len(decimalTexts)) {
		return decimalTexts[code]
	}
	return strconv.AppendUint(nil, code, 10) // not an HTTP status: allocates
}

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
// Memory: every name and value is copied into C memory when the config is made
// (memory.go) and freed when Envoy destroys it, so the request path hands
// Envoy pre-made buffers and allocates nothing.

package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// The headers every response gets, and the attributes they come from.
const (
	DownstreamAddressHeader = "x-downstream-address"
	UpstreamAddressHeader   = "x-upstream-address"
	ResponseCodeHeader      = "x-response-code"
)

// The same names in C memory, made once for the life of the process.
var (
	downstreamAddressKey = newModuleString(DownstreamAddressHeader)
	upstreamAddressKey   = newModuleString(UpstreamAddressHeader)
	responseCodeKey      = newModuleString(ResponseCodeHeader)
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

func (m *Mutations) apply(envoy EnvoyHTTPFilter, kind HeaderType) {
	for _, name := range m.Remove {
		envoy.RemoveHeader(kind, name)
	}
	for _, h := range m.Set {
		envoy.SetHeader(kind, h.Name, h.Value)
	}
}

// Rules are the validated mutations of one config (or one route), read-only
// and shared by its streams. parseRules makes them in C memory; Destroy frees it.
type Rules struct {
	Request  Mutations
	Response Mutations
}

// parseRules parses and validates a config; every error names the offending
// entry. The result is in C memory: Destroy it.
func parseRules(config []byte) (*Rules, error) {
	var raw rawHeaderMutationConfig
	if err := parseJSON(config, &raw); err != nil {
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
	return rules.inModuleMemory(), nil
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
				Name:  newModuleString(h.Name),
				Value: moduleStringBytes(newModuleString(string(h.Value))),
			}
		}
		for i, name := range m.Remove {
			out.Remove[i] = newModuleString(name)
		}
		return out
	}
	return &Rules{Request: copyOf(r.Request), Response: copyOf(r.Response)}
}

// Destroy frees the C memory of rules made by parseRules.
func (r *Rules) Destroy() {
	for _, m := range []*Mutations{&r.Request, &r.Response} {
		for _, h := range m.Set {
			freeModuleString(h.Name)
			freeModuleBytes(h.Value)
		}
		for _, name := range m.Remove {
			freeModuleString(name)
		}
		*m = Mutations{}
	}
}

// routeOverrides counts the live per-route overrides of header_mutation. While
// it is zero no stream can change its rules, and all streams of a config share
// one stateless filter.
var routeOverrides atomic.Int64

// RouteRules is header_mutation's per-route override.
type RouteRules struct {
	rules *Rules
}

// NewHeaderMutationRoute builds a per-route override: a config of the same shape.
func NewHeaderMutationRoute(config []byte) (any, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	routeOverrides.Add(1)
	return &RouteRules{rules: rules}, nil
}

// Destroy runs when Envoy releases the route; its streams are gone by then
// (each stream holds its route until it ends).
func (r *RouteRules) Destroy() {
	routeOverrides.Add(-1)
	r.rules.Destroy()
}

// HeaderMutationConfig is one configured header_mutation filter.
type HeaderMutationConfig struct {
	rules *Rules
	// shared is the filter of every stream while no route overrides exist:
	// it never changes, so one value serves all streams on all workers.
	shared *HeaderMutation
}

func NewHeaderMutationConfig(config []byte) (FilterConfig, error) {
	rules, err := parseRules(config)
	if err != nil {
		return nil, err
	}
	return &HeaderMutationConfig{rules: rules, shared: &HeaderMutation{rules: rules}}, nil
}

// Hooks: only the two header phases enter Go.
func (c *HeaderMutationConfig) Hooks() HookSet { return HookRequestHeaders | HookResponseHeaders }

func (c *HeaderMutationConfig) NewFilter(EnvoyHTTPFilter) Filter {
	if routeOverrides.Load() == 0 {
		return c.shared // nothing to allocate
	}
	return &HeaderMutation{rules: c.rules, routed: true}
}

// Destroy runs after the config's last stream.
func (c *HeaderMutationConfig) Destroy() {
	c.rules.Destroy()
}

// HeaderMutation is one stream's filter (or, when shared, every stream's).
type HeaderMutation struct {
	BaseFilter
	rules *Rules
	// routed: this stream's own filter, which takes its route's rules if the
	// route has an override. A shared filter is never changed.
	routed bool
}

func (f *HeaderMutation) OnRequestHeaders(envoy EnvoyHTTPFilter, _ bool) RequestHeadersStatus {
	if f.routed {
		if route, ok := envoy.PerRouteConfig().(*RouteRules); ok {
			f.rules = route.rules
		}
	}
	f.rules.Request.apply(envoy, RequestHeader)
	return RequestHeadersContinue
}

func (f *HeaderMutation) OnResponseHeaders(envoy EnvoyHTTPFilter, _ bool) ResponseHeadersStatus {
	f.rules.Response.apply(envoy, ResponseHeader)
	stampAttributes(envoy)
	return ResponseHeadersContinue
}

func stampAttributes(envoy EnvoyHTTPFilter) {
	setFromAttribute(envoy, downstreamAddressKey, AttributeSourceAddress)
	setFromAttribute(envoy, upstreamAddressKey, AttributeUpstreamAddress)
	if code, ok := envoy.GetAttributeInt(AttributeResponseCode); ok {
		envoy.SetHeader(ResponseHeader, responseCodeKey, formatCode(code))
	}
}

// setFromAttribute sets a response header to an attribute's value. The value
// is Envoy's memory, valid for this hook, and set_header copies it into the
// header map, so it goes straight back without a copy. (The Rust filter copies
// it to a stack buffer only to satisfy the borrow checker.)
func setFromAttribute(envoy EnvoyHTTPFilter, header string, id AttributeID) {
	if value, ok := envoy.GetAttributeString(id); ok {
		envoy.SetHeader(ResponseHeader, header, value)
	}
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
	block := moduleStringBytes(newModuleString(string(all))) // never freed
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

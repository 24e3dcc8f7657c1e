// Fuzz target for header_mutation on a fake stream; the Go side of
// rust/fuzz/fuzz_targets/header_mutation.rs. `go test ./...` runs its seeds
// (f.Add and testdata/fuzz/FuzzHeaderMutationApply/); `make fuzz`
// (mk/fuzz.mk) runs `go test -fuzz` on it.

package main

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

// checkRules checks what a successful parse promises about every name and value.
func checkRules(t *testing.T, rules *Rules) {
	t.Helper()
	for _, m := range []Mutations{rules.Request, rules.Response} {
		names := append([]string(nil), m.Remove...)
		for _, h := range m.Set {
			names = append(names, h.Name)
			if len(h.Value) == 0 || bytes.ContainsAny(h.Value, "\r\n\x00") {
				t.Fatalf("accepted the value %q", h.Value)
			}
		}
		for _, name := range names {
			token := strings.TrimPrefix(name, ":")
			valid := token != "" && name == strings.ToLower(name)
			for i := 0; i < len(token) && valid; i++ {
				valid = isTokenByte(token[i])
			}
			if !valid {
				t.Fatalf("accepted the header name %q", name)
			}
		}
	}
}

// fuzzStream is the stream a FuzzHeaderMutationApply input describes: one line
// each, separated by LF (the format of rust/fuzz/fuzz_targets/header_mutation.rs):
//
//	>name=value      a request header the stream arrives with
//	<name=value      a response header the upstream answers with
//	@source=ip:port  the source.address attribute (@upstream=: upstream.address)
//	@code=200        the response.code attribute
//	!{json}          a per-route override of the same shape as the config
type fuzzStream struct {
	request, response [][2]string
	source, upstream  *string
	code              *uint64
	route             *string
}

func parseFuzzStream(lines string) fuzzStream {
	var s fuzzStream
	for _, line := range strings.Split(lines, "\n") {
		if line == "" {
			continue
		}
		name, value, _ := strings.Cut(line[1:], "=")
		switch line[0] {
		case '>':
			s.request = append(s.request, [2]string{name, value})
		case '<':
			s.response = append(s.response, [2]string{name, value})
		case '@':
			switch name {
			case "source":
				s.source = &value
			case "upstream":
				s.upstream = &value
			case "code":
				if code, err := strconv.ParseUint(value, 10, 64); err == nil {
					s.code = &code
				}
			}
		case '!':
			route := line[1:]
			s.route = &route
		}
	}
	return s
}

// headerList copies one of the fake's header maps.
func headerList(envoy *sdktest.FakeEnvoy, kind sdk.HeaderType) []sdktest.Header {
	var out []sdktest.Header
	for _, h := range envoy.Headers[kind] {
		out = append(out, sdktest.Header{Key: h.Key, Value: append([]byte(nil), h.Value...)})
	}
	return out
}

func valuesOf(list []sdktest.Header, name string) []string {
	var out []string
	for _, h := range list {
		if h.Key == name {
			out = append(out, string(h.Value))
		}
	}
	return out
}

// checkDirection checks that after is before with m applied, except for the
// names in stamped, whose values the caller checks.
func checkDirection(t *testing.T, before, after []sdktest.Header, m Mutations, stamped []string) {
	t.Helper()
	setLast := map[string]string{}
	for _, h := range m.Set {
		setLast[h.Name] = string(h.Value) // sets run in order: the last one wins
	}
	isStamped := func(name string) bool { return slices.Contains(stamped, name) }
	touched := func(name string) bool {
		_, set := setLast[name]
		return set || isStamped(name) || slices.Contains(m.Remove, name)
	}
	for _, name := range m.Remove {
		if _, set := setLast[name]; !set && !isStamped(name) && len(valuesOf(after, name)) != 0 {
			t.Fatalf("removed header %q remains: %q", name, valuesOf(after, name))
		}
	}
	for name, want := range setLast {
		if got := valuesOf(after, name); !isStamped(name) && !reflect.DeepEqual(got, []string{want}) {
			t.Fatalf("set header %q = %q, want exactly [%q]", name, got, want)
		}
	}
	untouched := func(list []sdktest.Header) []string {
		var out []string
		for _, h := range list {
			if !touched(h.Key) {
				out = append(out, fmt.Sprintf("%s=%q", h.Key, h.Value))
			}
		}
		return out
	}
	if a, b := untouched(before), untouched(after); !reflect.DeepEqual(a, b) {
		t.Fatalf("headers the config does not name changed: %q became %q", a, b)
	}
}

// FuzzHeaderMutationApply runs header_mutation on a fake stream and checks
// what docs/CONTRACT.md promises: removed headers are gone, set headers have
// exactly their configured value, others are untouched, attributes are stamped.
func FuzzHeaderMutationApply(f *testing.F) {
	f.Add([]byte(fuzzConfigSeeds[2]),
		">x-request-remove=1\n>x-request-replace=old\n>x-request-replace=older\n>x-keep=1\n"+
			"<x-response-remove=1\n<server=echo\n@source=127.0.0.1:43438\n@upstream=127.0.0.1:1234\n@code=200")
	f.Add([]byte(`{"response_headers": [["x-route-rules", "default"]]}`),
		"!{\"response_headers\": [[\"x-route-rules\", \"override\"]]}\n<x-route-rules=upstream\n@code=404")
	f.Add([]byte(`{"request_headers": [["X-A", "1"], ["x-a", "2"]], "remove_request_headers": ["x-a", "x-b"], "response_headers": [["x-response-code", "7"]]}`),
		">X-B=1\n>x-b=2\n>x-a=0\n@code=18446744073709551615\n@source=")
	f.Add([]byte(`{"allow_pseudo_headers": true, "request_headers": [[":path", "/rewritten"]], "remove_response_headers": [":status"]}`),
		">:path=/\n>:method=GET\n<:status=200\n@upstream="+strings.Repeat("1", 200))
	f.Fuzz(func(t *testing.T, config []byte, lines string) {
		rules, err := parseRules(config)
		if err != nil {
			return
		}
		checkRules(t, rules)
		inC := batched(rules)
		defer inC.destroy()
		stream := parseFuzzStream(lines)
		// The plain filter and the batched one, each on its own stream.
		for _, filter := range []headerFilter{&HeaderMutation{rules: rules}, &HeaderMutationBatched{rules: inC}} {
			fuzzOneStream(t, filter, rules, stream)
		}
	})
}

// headerFilter is what both header_mutation filters implement.
type headerFilter interface {
	sdk.RequestHeadersFilter
	sdk.ResponseHeadersFilter
}

func fuzzOneStream(t *testing.T, filter headerFilter, rules *Rules, stream fuzzStream) {
	{

		envoy := sdktest.New()
		for _, h := range stream.request {
			envoy.AddHeader(sdk.RequestHeader, h[0], []byte(h[1]))
		}
		effective := rules // the route's override, if it parses
		if stream.route != nil {
			if route, err := NewHeaderMutationRoute([]byte(*stream.route)); err == nil {
				effective = route.rules
				checkRules(t, effective)
				envoy.PerRoute = route
			}
		}
		requestBefore := headerList(envoy, sdk.RequestHeader)
		if got := filter.OnRequestHeaders(envoy, false); got != sdk.RequestHeadersContinue {
			t.Fatalf("OnRequestHeaders = %v", got)
		}
		requestAfter := headerList(envoy, sdk.RequestHeader)
		checkDirection(t, requestBefore, requestAfter, effective.Request, nil)
		if len(envoy.Headers[sdk.ResponseHeader]) != 0 {
			t.Fatal("the request phase changed response headers")
		}

		// The upstream answers.
		for _, h := range stream.response {
			envoy.AddHeader(sdk.ResponseHeader, h[0], []byte(h[1]))
		}
		if stream.source != nil {
			envoy.StringAttributes[sdk.AttributeSourceAddress] = []byte(*stream.source)
		}
		if stream.upstream != nil {
			envoy.StringAttributes[sdk.AttributeUpstreamAddress] = []byte(*stream.upstream)
		}
		if stream.code != nil {
			envoy.IntAttributes[sdk.AttributeResponseCode] = *stream.code
		}
		responseBefore := headerList(envoy, sdk.ResponseHeader)
		if got := filter.OnResponseHeaders(envoy, false); got != sdk.ResponseHeadersContinue {
			t.Fatalf("OnResponseHeaders = %v", got)
		}
		responseAfter := headerList(envoy, sdk.ResponseHeader)

		// Stamped headers: the attribute when Envoy has it (an empty one
		// removes the header).
		var stamped []string
		for _, a := range []struct {
			header string
			value  *string
		}{{DownstreamAddressHeader, stream.source}, {UpstreamAddressHeader, stream.upstream}} {
			if a.value == nil {
				continue
			}
			stamped = append(stamped, a.header)
			var want []string
			if *a.value != "" {
				want = []string{*a.value}
			}
			if got := valuesOf(responseAfter, a.header); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s = %q, want %q", a.header, got, want)
			}
		}
		if stream.code != nil {
			stamped = append(stamped, ResponseCodeHeader)
			want := []string{strconv.FormatUint(*stream.code, 10)}
			if got := valuesOf(responseAfter, ResponseCodeHeader); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s = %q, want %q", ResponseCodeHeader, got, want)
			}
		}
		checkDirection(t, responseBefore, responseAfter, effective.Response, stamped)
		if !reflect.DeepEqual(headerList(envoy, sdk.RequestHeader), requestAfter) {
			t.Fatal("the response phase changed request headers")
		}
		if envoy.Sent != nil {
			t.Fatal("header_mutation never replies")
		}
	}
}

// callback_price: a bench-only filter that prices one ABI callback. Config
// {"op": "<operation>", "calls": N}: on each request it makes the named call N
// times, keeps every result (in a package-level sink, so the compiler cannot
// drop a call) and otherwise lets the request through. bench/price_list.py
// runs it at N and 2N calls; the difference is the price of N calls. Same
// ops, config and behaviour as rust/filters/src/http/callback_price.rs, which
// says what each op calls and where.

package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

// The filter's headers, metadata, filter-state key and counter (the same in
// the three languages).
const (
	priceReadHeader     = "x-request-replace"
	priceWriteHeader    = "x-callback-price"
	priceHitsHeader     = "x-callback-price-hits"
	priceBodyHits       = "\ncallback_price hits="
	priceMetadataNs     = "callback_price"
	priceMetadataKey    = "key"
	priceFilterStateKey = "callback_price.key"
	priceCounter        = "callback_price_calls"
)

// priceOps are the config's op names, in the report's order.
var priceOps = []string{
	"header_get", "header_set", "header_add", "header_remove",
	"attribute_string", "attribute_int",
	"metadata_set", "metadata_get", "filter_state_set", "filter_state_get",
	"body_read", "body_append", "counter_increment", "log_disabled",
}

// priceSink is where every result lands: a package-level variable the
// compiler must write, so no call's result is unused. Nothing reads it.
//
//lint:ignore U1000 written only, on purpose
var priceSink int

var priceOne = []byte("1")
var priceAppended = []byte("x")

// CallbackPriceConfig is one op at one number of calls.
type CallbackPriceConfig struct {
	op      string
	calls   int
	counter sdk.MetricID
	// stateKeys are filter_state_set's keys (a filter-state key is read-only
	// once set), made here so the stream path only calls.
	stateKeys []string
}

func NewCallbackPriceConfig(envoy sdk.EnvoyHTTPFilterConfig, config []byte) (*CallbackPriceConfig, error) {
	var raw struct {
		Op    *string `json:"op"`
		Calls *int64  `json:"calls"`
	}
	if err := sdk.ParseJSON(config, &raw); err != nil {
		return nil, err
	}
	if raw.Op == nil {
		return nil, errors.New("missing field `op`")
	}
	known := false
	for _, op := range priceOps {
		known = known || op == *raw.Op
	}
	if !known {
		return nil, fmt.Errorf("op: unknown variant `%s`, expected one of `%s`", *raw.Op, strings.Join(priceOps, "`, `"))
	}
	if raw.Calls == nil {
		return nil, errors.New("missing field `calls`")
	}
	if *raw.Calls < 1 || *raw.Calls > 1<<32-1 {
		return nil, errors.New("calls must be at least 1")
	}
	counter, err := envoy.DefineCounter(priceCounter)
	if err != nil {
		return nil, err
	}
	c := &CallbackPriceConfig{op: *raw.Op, calls: int(*raw.Calls), counter: counter}
	if c.op == "filter_state_set" {
		for i := 0; i < c.calls; i++ {
			c.stateKeys = append(c.stateKeys, priceFilterStateKey+"."+strconv.Itoa(i))
		}
	}
	return c, nil
}

func (c *CallbackPriceConfig) NewFilter(sdk.EnvoyHTTPFilter) *CallbackPrice {
	return &CallbackPrice{config: c}
}

// CallbackPrice makes its config's calls on one stream and reports how many
// succeeded.
type CallbackPrice struct {
	config *CallbackPriceConfig
	hits   int
	// buf holds the hits report, so reporting allocates nothing.
	buf [64]byte
}

func (f *CallbackPrice) onBody() bool {
	return f.config.op == "body_read" || f.config.op == "body_append"
}

// hit counts a call that did what was asked.
func hit(ok bool) int {
	if ok {
		return 1
	}
	return 0
}

func (f *CallbackPrice) runOnHeaders(envoy sdk.EnvoyHTTPFilter) int {
	c := f.config
	hits := 0
	switch c.op {
	case "header_get":
		for i := 0; i < c.calls; i++ {
			v, ok := envoy.GetHeader(sdk.RequestHeader, priceReadHeader)
			priceSink += len(v)
			hits += hit(ok)
		}
	case "header_set":
		for i := 0; i < c.calls; i++ {
			hits += hit(envoy.SetHeader(sdk.RequestHeader, priceWriteHeader, priceOne))
		}
	case "header_add":
		for i := 0; i < c.calls; i++ {
			hits += hit(envoy.AddHeader(sdk.RequestHeader, priceWriteHeader, priceOne))
		}
	case "header_remove":
		for i := 0; i < c.calls; i++ {
			hits += hit(envoy.RemoveHeader(sdk.RequestHeader, priceReadHeader))
		}
	case "attribute_string":
		for i := 0; i < c.calls; i++ {
			v, ok := envoy.GetAttributeString(sdk.AttributeSourceAddress)
			priceSink += len(v)
			hits += hit(ok)
		}
	case "attribute_int":
		for i := 0; i < c.calls; i++ {
			v, ok := envoy.GetAttributeInt(sdk.AttributeSourcePort)
			priceSink += int(v)
			hits += hit(ok)
		}
	case "metadata_set":
		for i := 0; i < c.calls; i++ {
			envoy.SetDynamicMetadataString(priceMetadataNs, priceMetadataKey, "1")
			hits++
		}
	case "metadata_get":
		envoy.SetDynamicMetadataString(priceMetadataNs, priceMetadataKey, "1")
		for i := 0; i < c.calls; i++ {
			v, ok := envoy.GetDynamicMetadataString(priceMetadataNs, priceMetadataKey)
			priceSink += len(v)
			hits += hit(ok)
		}
	case "filter_state_set":
		for _, key := range c.stateKeys {
			hits += hit(envoy.SetFilterStateBytes(key, priceOne))
		}
	case "filter_state_get":
		envoy.SetFilterStateBytes(priceFilterStateKey, priceOne)
		for i := 0; i < c.calls; i++ {
			v, ok := envoy.GetFilterStateBytes(priceFilterStateKey)
			priceSink += len(v)
			hits += hit(ok)
		}
	case "counter_increment":
		for i := 0; i < c.calls; i++ {
			hits += hit(envoy.IncrementCounter(c.counter, nil, 1))
		}
	case "log_disabled":
		for i := 0; i < c.calls; i++ {
			// What a guarded log line costs when its level is off; counted when Envoy says so.
			if sdk.LogEnabled(sdk.LogTrace) {
				sdk.Logf(sdk.LogTrace, "callback_price %d", i)
			} else {
				hits++
			}
		}
	}
	return hits
}

func (f *CallbackPrice) runOnBody(envoy sdk.EnvoyHTTPFilter) int {
	hits := 0
	for i := 0; i < f.config.calls; i++ {
		if f.config.op == "body_read" {
			chunks := envoy.GetBodyChunks(sdk.ReceivedResponseBody)
			priceSink += len(chunks)
			hits += hit(len(chunks) > 0)
		} else {
			hits += hit(envoy.AppendBody(sdk.ReceivedResponseBody, priceAppended))
		}
	}
	return hits
}

func (f *CallbackPrice) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.RequestHeadersStatus {
	if !f.onBody() {
		f.hits = f.runOnHeaders(envoy)
	}
	return sdk.RequestHeadersContinue
}

func (f *CallbackPrice) OnResponseHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.ResponseHeadersStatus {
	if f.onBody() {
		// The body grows (the appends, the hits line): its length is not known yet.
		envoy.RemoveHeader(sdk.ResponseHeader, "content-length")
	} else {
		envoy.SetHeader(sdk.ResponseHeader, priceHitsHeader, strconv.AppendInt(f.buf[:0], int64(f.hits), 10))
	}
	return sdk.ResponseHeadersContinue
}

func (f *CallbackPrice) OnResponseBody(envoy sdk.EnvoyHTTPFilter, endOfStream bool) sdk.ResponseBodyStatus {
	if f.onBody() {
		f.hits += f.runOnBody(envoy)
		if endOfStream {
			line := strconv.AppendInt(append(f.buf[:0], priceBodyHits...), int64(f.hits), 10)
			envoy.AppendBody(sdk.ReceivedResponseBody, append(line, '\n'))
		}
	}
	return sdk.ResponseBodyContinue
}

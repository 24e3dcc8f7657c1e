// fault_injection: a test-only filter that panics in one chosen phase, to
// prove the SDK's barrier: the stream fails closed, one line is logged, and
// Envoy keeps serving. Mirrors rust/filters/src/http/fault_injection.rs.
//
// Config: {"phase": "config" | "request_headers" | "request_body" |
// "response_headers" | "response_body" | "stream_complete"}. The filter refuses
// every config unless Envoy runs with DM_ENABLE_FAULT_INJECTION=1, so a shipped
// configuration can never enable it by accident.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
)

const enableFaultInjectionEnv = "DM_ENABLE_FAULT_INJECTION"

// faultTriggerHeader arms the fault for one stream, so the next request on the
// same listener shows that Envoy still serves.
const faultTriggerHeader = "x-inject-fault"

// Phase is where the filter panics.
type Phase int

const (
	PhaseConfig Phase = iota
	PhaseRequestHeaders
	PhaseRequestBody
	PhaseResponseHeaders
	PhaseResponseBody
	PhaseStreamComplete
)

// phaseNames are the config's names of the phases, in Phase order.
var phaseNames = []string{
	"config", "request_headers", "request_body", "response_headers", "response_body", "stream_complete",
}

// String names the phase as the Rust filter's panic message does
// ("RequestHeaders"), so the three languages log the same text.
func (p Phase) String() string {
	var b strings.Builder
	for _, word := range strings.Split(phaseNames[p], "_") {
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}

func (p *Phase) UnmarshalJSON(data []byte) error {
	var name string
	if err := json.Unmarshal(data, &name); err != nil {
		return fmt.Errorf("phase: invalid type: %s, expected a string", data)
	}
	for i, n := range phaseNames {
		if n == name {
			*p = Phase(i)
			return nil
		}
	}
	return fmt.Errorf("phase: unknown variant %q, expected one of %s", name, strings.Join(phaseNames, ", "))
}

type FaultInjectionConfig struct {
	phase Phase
}

func NewFaultInjectionConfig(config []byte) (*FaultInjectionConfig, error) {
	if os.Getenv(enableFaultInjectionEnv) != "1" {
		return nil, fmt.Errorf("test-only filter; set %s=1 in Envoy's environment", enableFaultInjectionEnv)
	}
	var raw struct {
		Phase *Phase `json:"phase"`
	}
	if err := sdk.ParseJSON(config, &raw); err != nil {
		return nil, err
	}
	if raw.Phase == nil {
		return nil, errors.New(`missing field "phase"`)
	}
	if *raw.Phase == PhaseConfig {
		panic("fault injected in config")
	}
	return &FaultInjectionConfig{phase: *raw.Phase}, nil
}

func (c *FaultInjectionConfig) NewFilter(sdk.EnvoyHTTPFilter) *FaultInjection {
	return &FaultInjection{phase: c.phase}
}

// FaultInjection panics in its phase and continues in every other one; it
// implements the hooks of every phase it can panic in.
type FaultInjection struct {
	phase Phase
	armed bool // whether this stream's request asked for the fault
}

func (f *FaultInjection) maybePanic(here Phase) {
	if f.armed && f.phase == here {
		panic(fmt.Sprintf("fault injected in %v", here))
	}
}

func (f *FaultInjection) OnRequestHeaders(envoy sdk.EnvoyHTTPFilter, _ bool) sdk.RequestHeadersStatus {
	_, f.armed = envoy.GetHeader(sdk.RequestHeader, faultTriggerHeader)
	f.maybePanic(PhaseRequestHeaders)
	return sdk.RequestHeadersContinue
}

func (f *FaultInjection) OnRequestBody(sdk.EnvoyHTTPFilter, bool) sdk.RequestBodyStatus {
	f.maybePanic(PhaseRequestBody)
	return sdk.RequestBodyContinue
}

func (f *FaultInjection) OnResponseHeaders(sdk.EnvoyHTTPFilter, bool) sdk.ResponseHeadersStatus {
	f.maybePanic(PhaseResponseHeaders)
	return sdk.ResponseHeadersContinue
}

func (f *FaultInjection) OnResponseBody(sdk.EnvoyHTTPFilter, bool) sdk.ResponseBodyStatus {
	f.maybePanic(PhaseResponseBody)
	return sdk.ResponseBodyContinue
}

func (f *FaultInjection) OnStreamComplete(sdk.EnvoyHTTPFilter) {
	f.maybePanic(PhaseStreamComplete)
}

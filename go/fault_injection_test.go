package main

import (
	"strings"
	"testing"

	"github.com/envoy-dynamic-modules-lab/go_module/sdk"
	"github.com/envoy-dynamic-modules-lab/go_module/sdk/sdktest"
)

func TestFaultInjectionIsRefusedUnlessEnabled(t *testing.T) {
	t.Setenv(enableFaultInjectionEnv, "")
	_, err := NewFaultInjectionConfig([]byte(`{"phase": "request_headers"}`))
	if err == nil || err.Error() != "test-only filter; set DM_ENABLE_FAULT_INJECTION=1 in Envoy's environment" {
		t.Errorf("got %v", err)
	}
}

func TestFaultInjectionRefusesBadConfigs(t *testing.T) {
	t.Setenv(enableFaultInjectionEnv, "1")
	for config, want := range map[string]string{
		``:                               "filter_config is empty",
		`{}`:                             `missing field "phase"`,
		`{"phase": "nowhere"}`:           `phase: unknown variant "nowhere", expected one of config, request_headers`,
		`{"phase": 1}`:                   "phase: invalid type: 1, expected a string",
		`{"phase": "config", "x": true}`: `unknown field "x", expected one of phase`,
	} {
		if _, err := NewFaultInjectionConfig([]byte(config)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: got %v, want %q", config, err, want)
		}
	}
}

func TestFaultInjectionPanicsInItsPhaseOnly(t *testing.T) {
	t.Setenv(enableFaultInjectionEnv, "1")
	config, err := NewFaultInjectionConfig([]byte(`{"phase": "response_body"}`))
	if err != nil {
		t.Fatal(err)
	}
	// Without the trigger header the stream passes untouched.
	quiet := sdktest.New()
	unarmed := config.NewFilter(quiet)
	unarmed.OnRequestHeaders(quiet, false)
	unarmed.OnResponseBody(quiet, true)

	envoy := sdktest.New()
	envoy.AddHeader(sdk.RequestHeader, faultTriggerHeader, []byte("1"))
	filter := config.NewFilter(envoy)
	filter.OnRequestHeaders(envoy, false)
	filter.OnResponseHeaders(envoy, false)
	defer func() {
		if r := recover(); r != "fault injected in ResponseBody" {
			t.Errorf("recovered %v", r)
		}
	}()
	filter.OnResponseBody(envoy, true)
}

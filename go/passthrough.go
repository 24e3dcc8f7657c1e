// passthrough: a filter that changes nothing. It measures the bare cost of a
// module on the request path. Mirrors rust/filters/src/http/passthrough.rs.

package main

import "github.com/envoy-dynamic-modules-lab/go_module/sdk"

// PassthroughConfig accepts no settings: an absent config or an empty JSON
// object.
type PassthroughConfig struct{}

func NewPassthroughConfig(config []byte) (PassthroughConfig, error) {
	if sdk.IsBlank(config) {
		return PassthroughConfig{}, nil
	}
	var noSettings struct{}
	if err := sdk.ParseJSON(config, &noSettings); err != nil {
		return PassthroughConfig{}, err
	}
	return PassthroughConfig{}, nil
}

func (PassthroughConfig) NewFilter(sdk.EnvoyHTTPFilter) Passthrough {
	return Passthrough{}
}

// Passthrough implements no hook. Envoy still calls every hook, but the SDK
// answers them in C without entering Go, and makes no Go filter per stream.
type Passthrough struct{}

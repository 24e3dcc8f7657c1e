// passthrough: a filter that changes nothing. It measures the bare cost of a
// module on the request path: every hook crosses the ABI and returns Continue.
// Mirrors rust/filters/src/passthrough.rs.

package main

// PassthroughConfig accepts no settings: an absent config or an empty JSON
// object.
type PassthroughConfig struct{}

func NewPassthroughConfig(config []byte) (FilterConfig, error) {
	if isBlank(config) {
		return PassthroughConfig{}, nil
	}
	var noSettings struct{}
	if err := parseJSON(config, &noSettings); err != nil {
		return nil, err
	}
	return PassthroughConfig{}, nil
}

// Hooks: none. Envoy still calls every hook, but the module answers them in C
// without entering Go, and makes no Go filter per stream (see HookSet).
func (PassthroughConfig) Hooks() HookSet { return 0 }

func (PassthroughConfig) NewFilter(EnvoyHTTPFilter) Filter {
	// A zero-size filter: storing it in the interface allocates nothing.
	return Passthrough{}
}

// Passthrough keeps BaseFilter's every hook: continue.
type Passthrough struct{ BaseFilter }

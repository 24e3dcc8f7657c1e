// hello: stamps x-hello on every response.

#ifndef HELLO_H_
#define HELLO_H_

#include <memory>
#include <string>
#include <string_view>

#include "sdk.h"

class HelloConfig final : public envoy_dm::sdk::HttpFilterConfig {
 public:
  static envoy_dm::sdk::Result<std::unique_ptr<envoy_dm::sdk::HttpFilterConfig>> New(
      envoy_dm::sdk::EnvoyHttpFilterConfig& envoy, std::string_view config);
  std::unique_ptr<envoy_dm::sdk::HttpFilter> NewFilter(
      envoy_dm::sdk::EnvoyHttpFilter& envoy) const override;

  std::string stamp;
};

#endif  // HELLO_H_

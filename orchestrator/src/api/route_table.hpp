// The API's routes as a table: {method, path pattern, access, handler}.
// Nothing outside the table is reachable: an unknown path answers 404 and a
// known path with another method 405, both as JSON. Path parameters
// (`{run}` in "/v1/runs/{run}/report") are checked for length and characters
// before access is decided or a handler runs. (The way OpenBMC's bmcweb
// declares its routes.)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_context.hpp"
#include "api/api_types.hpp"

namespace kiln::orchestrator {

enum class Access {
  open,            // no token (the certificate public key)
  self_checked,    // the handler checks the token itself (register: the token names the run)
  run_token,       // the run's own bearer token, for the {run} of the path
  operator_token,  // the operator: its token or session (api/access.hpp)
  reader,          // the operator or a viewer token/session: reads
};

// The values of a route's {name} segments, in pattern order.
class PathParams {
 public:
  void add(std::string_view name, std::string value) {
    values_.emplace_back(name, std::move(value));
  }
  // The value of {name}; empty when the route has no such parameter.
  [[nodiscard]] const std::string& get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string_view, std::string>>& all() const {
    return values_;
  }

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;
};

// One request on its way through a handler.
struct ApiCall {
  ApiContext& ctx;
  const ApiRequest& request;
  PathParams params;
  RunRow run;  // Access::run_token: the run the token was checked against
};

using Handler = ApiResponse (*)(ApiCall&);

struct Route {
  std::string_view method;   // "GET", "POST"
  std::string_view pattern;  // "/v1/runs/{run}/artifacts"
  Access access;
  Handler handler;
};

// A path parameter kiln's ids and asset tags fit: 1-128 characters of
// [A-Za-z0-9._~:@+-], not "." or "..". Else the reason it is refused.
std::optional<std::string> refuse_path_parameter(std::string_view value);

// Splits a target's path ("/v1/runs/x?y" -> {"v1","runs","x"}); nullopt when
// it does not start with '/' or has an empty segment ("//", a trailing '/').
std::optional<std::vector<std::string_view>> path_segments(std::string_view target);

// The number `name` of a target's query ("...?tail=50"); nullopt when absent or
// not a count of at most 9 digits.
std::optional<std::size_t> query_count(const std::string& target, std::string_view name);

// The raw (undecoded) value of `name` in a target's query; nullopt when absent.
std::optional<std::string_view> query_text(std::string_view target, std::string_view name);

// The outcome of looking a request up in a table.
struct RouteMatch {
  const Route* route = nullptr;           // set when method and path matched
  PathParams params;                      // the path's parameters (when route is set)
  std::vector<std::string_view> allowed;  // the path matched, the method did not: these would
};

RouteMatch match_route(std::span<const Route> table, std::string_view method,
                       std::string_view target);

}  // namespace kiln::orchestrator

// The dashboard's side of the API: its files (orchestrator/ui/, served from
// ui_dir) and its session (login form -> cookie, logout, whoami + CSRF
// token). The pages read the JSON API (/v1/...) with that cookie.
#pragma once

#include <string>
#include <string_view>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

ApiResponse get_ui_root(ApiCall& call);     // GET /ui -> /ui/index.html
ApiResponse get_ui_asset(ApiCall& call);    // GET /ui/{asset}
ApiResponse post_ui_login(ApiCall& call);   // POST /ui/login (form: token=...)
ApiResponse post_ui_logout(ApiCall& call);  // POST /ui/logout
ApiResponse get_ui_session(ApiCall& call);  // GET /ui/session: {role, csrf, expires}

// "/ui/" (and "/ui/?x"): the dashboard's index, which the route table (no
// empty segments) cannot name.
bool is_ui_index(std::string_view target);

// The value of `name` in an application/x-www-form-urlencoded body (decoded);
// empty when absent or malformed.
std::string form_field(std::string_view body, std::string_view name);

}  // namespace kiln::orchestrator

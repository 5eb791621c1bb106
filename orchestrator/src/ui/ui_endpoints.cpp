#include "ui/ui_endpoints.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <fstream>
#include <sstream>
#include <utility>

#include "config/dashboard_config.hpp"
#include "ui/session.hpp"

namespace kiln::orchestrator {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
}};

constexpr std::size_t kMaxAsset = 4U * 1024U * 1024U;

// Nothing from elsewhere: every script, style and image comes from here.
void page_headers(ApiResponse& r) {
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                         "base-uri 'none'; form-action 'self'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

ApiResponse redirect(std::string location) {
  ApiResponse r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::move(location));
  page_headers(r);
  return r;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool tls(const ApiCall& call) {
  return !call.ctx.config.tls_cert.empty();
}

}  // namespace

bool is_ui_index(std::string_view target) {
  return target.substr(0, target.find('?')) == "/ui/";
}

std::string form_field(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    auto end = body.find('&');
    auto pair = body.substr(0, end);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      std::string out;
      auto value = pair.substr(name.size() + 1);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '+') {
          out += ' ';
        } else if (value[i] == '%') {
          if (i + 2 >= value.size()) return {};
          const int hi = hex_value(value[i + 1]);
          const int lo = hex_value(value[i + 2]);
          if (hi < 0 || lo < 0) return {};
          out += static_cast<char>(hi * 16 + lo);
          i += 2;
        } else {
          out += value[i];
        }
      }
      return out;
    }
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return {};
}

ApiResponse get_ui_root(ApiCall&) {
  return redirect("/ui/index.html");
}

ApiResponse get_ui_asset(ApiCall& call) {
  const std::string& name = call.params.get("asset");
  std::string_view type;
  for (const auto& [ext, content_type] : kTypes) {
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      type = content_type;
  }
  if (type.empty()) return api_error(404, "not_found", fmt::format("no dashboard file {}", name));
  // {asset} is one segment of [A-Za-z0-9._~:@+-], never "." or "..": it stays in ui_dir.
  const auto path = ui_directory(call.ctx.config) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return api_error(404, "not_found", fmt::format("no dashboard file {}", name));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > kMaxAsset)
    return api_error(500, "internal", fmt::format("dashboard file {} is too large", name));
  ApiResponse r;
  r.content_type = std::string(type);
  r.text = text.str();
  page_headers(r);
  return r;
}

ApiResponse post_ui_login(ApiCall& call) {
  const auto token = form_field(call.request.body, "token");
  const auto value = token.empty() || token.size() > 256
                         ? std::string()
                         : make_session(call.ctx.config, token, std::chrono::system_clock::now());
  if (value.empty()) return redirect("/ui/login.html?failed=1");
  auto r = redirect("/ui/index.html");
  r.headers.emplace_back("Set-Cookie", session_set_cookie(value, tls(call)));
  return r;
}

ApiResponse post_ui_logout(ApiCall& call) {
  auto r = redirect("/ui/login.html");
  r.headers.emplace_back("Set-Cookie", session_set_cookie("", tls(call), std::chrono::seconds(0)));
  return r;
}

ApiResponse get_ui_session(ApiCall& call) {
  auto session =
      check_session(call.ctx.config, call.request.cookie, std::chrono::system_clock::now());
  if (!session)
    return api_error(401, "unauthenticated", "no dashboard session: log in at /ui/login.html");
  const auto expires =
      std::chrono::duration_cast<std::chrono::seconds>(session->expires.time_since_epoch()).count();
  ApiResponse r{200,
                {{"role", role_name(session->role)},
                 {"csrf", session->csrf},
                 {"expires", expires},
                 {"can_act", session->role == Role::operator_role}}};
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace kiln::orchestrator

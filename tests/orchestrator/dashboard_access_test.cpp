// The dashboard's access: session cookies (made, checked, forged, expired,
// outliving a restart, ended with their token), the viewer tokens (read,
// never act), CSRF on a session's POSTs, the login form and its cookie, and
// the dashboard's files (served from ui_dir, nothing outside it).
#include <gtest/gtest.h>

#include <fstream>

#include "api/api_service.hpp"
#include "sqlite_store_test.hpp"
#include "ui/session.hpp"
#include "ui/ui_endpoints.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";
constexpr const char* kViewer = "viewer-token-0123456789ab";

OrchestratorConfig config_with_viewer() {
  OrchestratorConfig c;
  c.operator_token = kOperator;
  c.viewer_tokens = {kViewer};
  return c;
}

TEST(Session, MadeCheckedAndRefusedWhenForgedExpiredOrItsTokenIsGone) {
  const auto c = config_with_viewer();
  const auto now = std::chrono::system_clock::now();
  const auto op = make_session(c, kOperator, now);
  const auto viewer = make_session(c, kViewer, now);
  EXPECT_TRUE(make_session(c, "not-a-token-at-all-here", now).empty());
  auto s = check_session(c, "a=b; kiln_session=" + op + "; c=d", now);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->role, Role::operator_role);
  EXPECT_EQ(s->csrf.size(), 64U);
  auto v = check_session(c, "kiln_session=" + viewer, now);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->role, Role::viewer);
  EXPECT_NE(v->csrf, s->csrf);
  // A restart (a fresh config object from the same file) keeps the session.
  EXPECT_TRUE(check_session(config_with_viewer(), "kiln_session=" + op, now));
  // Forged: the role changed, the MAC flipped, a viewer's cookie relabelled operator.
  auto forged = viewer;
  forged.replace(0, 6, "operator");
  EXPECT_FALSE(check_session(c, "kiln_session=" + forged, now));
  auto flipped = op;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(check_session(c, "kiln_session=" + flipped, now));
  EXPECT_FALSE(check_session(c, "kiln_session=", now));
  EXPECT_FALSE(check_session(c, "kiln_session=a.b.c.d", now));
  // Expired.
  EXPECT_FALSE(
      check_session(c, "kiln_session=" + op, now + kSessionLifetime + std::chrono::hours(1)));
  // The token changed or was removed: its sessions end.
  auto changed = c;
  changed.operator_token = "another-operator-token-000";
  changed.viewer_tokens.clear();
  EXPECT_FALSE(check_session(changed, "kiln_session=" + op, now));
  EXPECT_FALSE(check_session(changed, "kiln_session=" + viewer, now));
}

TEST(Session, CookieAttributes) {
  EXPECT_EQ(session_set_cookie("v", false),
            "kiln_session=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_set_cookie("v", true, std::chrono::seconds(0)),
            "kiln_session=v; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

TEST(FormField, DecodesAndRefusesBrokenEscapes) {
  EXPECT_EQ(form_field("a=1&token=ab%2Bc+d&z=", "token"), "ab+c d");
  EXPECT_EQ(form_field("token=abc%2", "token"), "");
  EXPECT_EQ(form_field("token=abc%zz", "token"), "");
  EXPECT_EQ(form_field("tokens=abc", "token"), "");
  EXPECT_EQ(form_field("", "token"), "");
}

class DashboardAccess : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-dashboard-access");
    ui_ = dir_ / "ui";
    std::filesystem::create_directories(ui_);
    std::ofstream(ui_ / "index.html") << "<!doctype html><title>kiln</title>";
    std::ofstream(dir_ / "secret.html") << "outside ui_dir";
    auto c = config_with_viewer();
    c.ui_dir = ui_.string();
    api_ = std::make_unique<ApiService>(*store_, c);
    auto started = call(
        {"POST", "/v1/burnins", std::string("Bearer ") + kOperator, R"({"nodes": ["node-a"]})"});
    ASSERT_EQ(started.status, 201) << started.body.dump();
    run_ = started.body["runs"][0]["run_id"].get<std::string>();
  }
  ApiResponse call(const ApiRequest& r) { return api_->handle(r); }
  std::string login(const std::string& token) {
    auto r = call({"POST", "/ui/login", "", "token=" + token});
    EXPECT_EQ(r.status, 303);
    for (const auto& [name, value] : r.headers) {
      if (name == "Set-Cookie") return value.substr(0, value.find(';'));
    }
    return {};
  }
  std::string directive() { return (*store_->find_run(run_))->directive; }
  std::filesystem::path ui_;
  std::string run_;
};

TEST_F(DashboardAccess, ViewerTokenReadsButNeverActs) {
  const std::string bearer = std::string("Bearer ") + kViewer;
  EXPECT_EQ(call({"GET", "/v1/runs", bearer, ""}).status, 200);
  EXPECT_EQ(call({"GET", "/v1/runs/" + run_, bearer, ""}).status, 200);
  EXPECT_EQ(call({"GET", "/v1/nodes/node-a", bearer, ""}).status, 200);
  auto refused = call({"POST", "/v1/runs/" + run_ + "/abort", bearer, ""});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"]["code"], "read_only");
  EXPECT_EQ(call({"POST", "/v1/burnins", bearer, R"({"nodes": ["node-b"]})"}).status, 403);
  EXPECT_EQ(directive(), "continue");
}

TEST_F(DashboardAccess, SessionsReadAndTheOperatorsActWithTheirCsrfToken) {
  const auto viewer = login(kViewer);
  const auto op = login(kOperator);
  ASSERT_FALSE(viewer.empty());
  ASSERT_FALSE(op.empty());
  EXPECT_EQ(call({"GET", "/v1/deliveries", "", "", viewer}).status, 200);
  auto who = call({"GET", "/ui/session", "", "", op});
  ASSERT_EQ(who.status, 200);
  EXPECT_EQ(who.body["role"], "operator");
  const auto csrf = who.body["csrf"].get<std::string>();
  const auto viewer_csrf =
      call({"GET", "/ui/session", "", "", viewer}).body["csrf"].get<std::string>();
  const std::string abort = "/v1/runs/" + run_ + "/abort";
  EXPECT_EQ(call({"POST", abort, "", "", viewer, viewer_csrf}).status, 403);
  auto no_csrf = call({"POST", abort, "", "", op});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.body["error"]["code"], "csrf");
  EXPECT_EQ(call({"POST", abort, "", "", op, viewer_csrf}).status, 403);  // another session's
  EXPECT_EQ(directive(), "continue");
  EXPECT_EQ(call({"POST", abort, "", "", op, csrf}).status, 202);
  EXPECT_EQ(directive(), "abort");
}

TEST_F(DashboardAccess, LoginRefusesOtherTokensAndLogoutClearsTheCookie) {
  auto r = call({"POST", "/ui/login", "", "token=wrong-token-0123456789"});
  EXPECT_EQ(r.status, 303);
  bool to_form = false;
  for (const auto& [name, value] : r.headers) {
    EXPECT_NE(name, "Set-Cookie");
    to_form = to_form || (name == "Location" && value == "/ui/login.html?failed=1");
  }
  EXPECT_TRUE(to_form);
  EXPECT_EQ(call({"GET", "/ui/session", "", ""}).status, 401);
  EXPECT_EQ(call({"GET", "/v1/runs", "", "", "kiln_session=forged.1.2.3"}).status, 401);
  auto out = call({"POST", "/ui/logout", "", ""});
  EXPECT_EQ(out.status, 303);
  bool cleared = false;
  for (const auto& [name, value] : out.headers)
    cleared = cleared || (name == "Set-Cookie" && value.find("Max-Age=0") != std::string::npos);
  EXPECT_TRUE(cleared);
}

TEST_F(DashboardAccess, FilesComeFromUiDirOnly) {
  for (const std::string target : {"/ui/", "/ui/index.html"}) {
    auto page = call({"GET", target, "", ""});
    EXPECT_EQ(page.status, 200) << target;
    EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
    EXPECT_NE(page.text.find("<title>kiln</title>"), std::string::npos);
    bool csp = false;
    for (const auto& [name, value] : page.headers)
      csp = csp || (name == "Content-Security-Policy" && value.find("default-src 'self'") == 0);
    EXPECT_TRUE(csp);
  }
  EXPECT_EQ(call({"GET", "/ui", "", ""}).status, 303);
  EXPECT_EQ(call({"GET", "/ui/missing.html", "", ""}).status, 404);
  EXPECT_EQ(call({"GET", "/ui/index.exe", "", ""}).status, 404);
  for (const std::string target : {"/ui/../secret.html", "/ui/..%2fsecret.html",
                                   "/ui/%2e%2e/secret.html", "/ui/sub/../../secret.html"}) {
    auto r = call({"GET", target, "", ""});
    EXPECT_GE(r.status, 400) << target;
    EXPECT_EQ(r.text.find("outside"), std::string::npos) << target;
  }
}

}  // namespace
}  // namespace kiln::orchestrator

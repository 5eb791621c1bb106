// Decommission runs and certificates through the API without a socket:
// start, directive, certificate upload (auth, shape, idempotency, refusal on
// a burn-in run), signed document, operator views, the public key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "api/api_service.hpp"
#include "kiln/signature.hpp"

#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-0123456789";

class DecommissionApiTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-decom-api");
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.max_body_bytes = 64 * 1024;
    config.ironic.extra_kernel_params = "console=ttyS0 kiln.mode=burnin quiet";
    api_ = std::make_unique<ApiService>(*store_, config);
    auto key = signature::load_or_create_key((dir_ / "certificate.key").string(), true);
    ASSERT_TRUE(key) << key.error().message;
    key_ = *key;
    api_->set_signing_key(key_);
  }
  ApiResponse call(const std::string& method, const std::string& target, const std::string& token,
                   const std::string& body = "") {
    return api_->handle({method, target, token.empty() ? "" : "Bearer " + token, body});
  }
  // {run id, token, kernel params}
  std::tuple<std::string, std::string, std::string> start(const std::string& what,
                                                          const std::string& node) {
    auto r = call("POST", "/v1/" + what, kOperator, nlohmann::json{{"nodes", {node}}}.dump());
    EXPECT_EQ(r.status, 201) << r.body.dump();
    const auto& run = r.body["runs"][0];
    return {run["run_id"].get<std::string>(), run["token"].get<std::string>(),
            run["kernel_params"].get<std::string>()};
  }
  static nlohmann::json certificate_body(const std::string& node) {
    return {{"node", {{"ironic_uuid", node}, {"serial", "KILN-0001"}}},
            {"disks",
             {{{"name", "sda"},
               {"serial", "S3Z9NX0K"},
               {"method", "ata-enhanced-erase"},
               {"verification", "PASS"}}}},
            {"operator", "jdoe"}};
  }

  signature::SigningKey key_;
};

TEST_F(DecommissionApiTest, DecommissionDirectiveCarriesModeAndGoAhead) {
  auto [run, token, params] = start("decommissions", "node-d");
  EXPECT_NE(params.find("kiln.mode=decommission"), std::string::npos) << params;
  EXPECT_EQ(params.find("kiln.mode=burnin"), std::string::npos) << "one kiln.mode only: " << params;
  EXPECT_NE(params.find("console=ttyS0"), std::string::npos);
  auto d = call("GET", "/v1/runs/" + run + "/directive", token);
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.body["mode"], "decommission");
  EXPECT_EQ(d.body["decommission_go_ahead"], true);
  EXPECT_EQ((*store_->find_run(run))->kind, "decommission");
  EXPECT_EQ(call("GET", "/v1/runs/" + run, kOperator).body["kind"], "decommission");
  // An abort withdraws the go-ahead.
  ASSERT_EQ(call("POST", "/v1/runs/" + run + "/abort", kOperator).status, 202);
  EXPECT_EQ(call("GET", "/v1/runs/" + run + "/directive", token).body["decommission_go_ahead"],
            false);
}

TEST_F(DecommissionApiTest, TheOperatorWhoStartedItIsInTheDirective) {
  auto r = call("POST", "/v1/decommissions", kOperator,
                R"({"nodes": ["node-o"], "operator": "Jane Tech"})");
  ASSERT_EQ(r.status, 201) << r.body.dump();
  const std::string run = r.body["runs"][0]["run_id"];
  const std::string token = r.body["runs"][0]["token"];
  EXPECT_EQ(call("GET", "/v1/runs/" + run + "/directive", token).body["operator"], "Jane Tech");
  EXPECT_EQ(call("GET", "/v1/runs/" + run, kOperator).body["operator"], "Jane Tech");
  EXPECT_EQ((*store_->find_run(run))->operator_name, "Jane Tech");
  auto bad = call("POST", "/v1/decommissions", kOperator,
                  R"({"nodes": ["node-p"], "operator": 42})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(store_->list_runs()->size(), 1U);
}

TEST_F(DecommissionApiTest, BurninDirectiveNeverCarriesDecommissionGoAhead) {
  auto [run, token, params] = start("burnins", "node-b");
  EXPECT_NE(params.find("kiln.mode=burnin"), std::string::npos) << params;
  EXPECT_EQ(params.find("kiln.mode=decommission"), std::string::npos);
  auto d = call("GET", "/v1/runs/" + run + "/directive", token);
  EXPECT_EQ(d.body["mode"], "burnin");
  EXPECT_FALSE(d.body.contains("decommission_go_ahead")) << d.body.dump();
}

TEST_F(DecommissionApiTest, CertificateIsSignedStoredAndVerifies) {
  auto [run, token, params] = start("decommissions", "node-d");
  auto r =
      call("POST", "/v1/runs/" + run + "/certificate", token, certificate_body("node-d").dump());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["certificate"], certificate_body("node-d"));
  EXPECT_EQ(r.body["signature"]["key_id"], signature::key_id(key_.public_key));
  auto verified = signature::verify_document(r.body, key_.public_key);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->valid) << verified->reason;
  auto stored = store_->find_certificate(run);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->node_uuid, "node-d");
  EXPECT_EQ(nlohmann::json::parse((*stored)->document), r.body);
  // Operator views: JSON, HTML, the node's latest, the public key without a token.
  EXPECT_EQ(call("GET", "/v1/runs/" + run + "/certificate", kOperator).body, r.body);
  EXPECT_EQ(call("GET", "/v1/nodes/node-d/certificate", kOperator).body, r.body);
  auto html = call("GET", "/v1/runs/" + run + "/certificate.html", kOperator);
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
  EXPECT_NE(html.text.find("S3Z9NX0K"), std::string::npos);
  EXPECT_NE(html.text.find(signature::key_id(key_.public_key)), std::string::npos);
  auto key = call("GET", "/v1/certificate-key", "");
  ASSERT_EQ(key.status, 200) << key.body.dump();
  EXPECT_EQ(key.body["key_id"], signature::key_id(key_.public_key));
  auto pem = signature::parse_public_key_pem(key.body["public_key_pem"], "reply");
  ASSERT_TRUE(pem);
  EXPECT_EQ(*pem, key_.public_key);
}

TEST_F(DecommissionApiTest, ReplayReturnsTheStoredDocumentAndADifferentBodyConflicts) {
  auto [run, token, params] = start("decommissions", "node-d");
  const std::string target = "/v1/runs/" + run + "/certificate";
  auto first = call("POST", target, token, certificate_body("node-d").dump());
  ASSERT_EQ(first.status, 200);
  auto replay = call("POST", target, token, certificate_body("node-d").dump(2));  // same JSON
  ASSERT_EQ(replay.status, 200) << replay.body.dump();
  EXPECT_EQ(replay.body, first.body);  // Ed25519 is deterministic, but this is the stored one
  auto other = certificate_body("node-d");
  other["disks"][0]["verification"] = "FAIL";
  auto conflict = call("POST", target, token, other.dump());
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.body["error"]["code"], "certificate_exists");
  EXPECT_EQ(nlohmann::json::parse((*store_->find_certificate(run))->document), first.body);
}

TEST_F(DecommissionApiTest, CertificateOnABurninRunIsRefused) {
  auto [run, token, params] = start("burnins", "node-b");
  auto r =
      call("POST", "/v1/runs/" + run + "/certificate", token, certificate_body("node-b").dump());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body["error"]["code"], "not_a_decommission");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("burnin"), std::string::npos);
  EXPECT_FALSE(*store_->find_certificate(run));
}

TEST_F(DecommissionApiTest, CertificateAuthAndShapeAreCheckedAndChangeNothing) {
  auto [run, token, params] = start("decommissions", "node-d");
  auto [other_run, other_token, other_params] = start("decommissions", "node-e");
  const std::string target = "/v1/runs/" + run + "/certificate";
  const std::string good = certificate_body("node-d").dump();
  EXPECT_EQ(call("POST", target, "", good).status, 401);
  EXPECT_EQ(call("POST", target, other_token, good).status, 403);
  EXPECT_EQ(call("POST", target, kOperator, good).status, 403);  // operators do not certify
  EXPECT_EQ(call("POST", target, token, "{\"node\": ").status, 400);
  EXPECT_EQ(call("POST", target, token, "[1,2]").status, 400);
  EXPECT_EQ(call("POST", target, token, R"({"disks": []})").status, 400);
  EXPECT_EQ(call("POST", target, token, R"({"node": {}, "disks": {}})").status, 400);
  EXPECT_EQ(call("POST", target, token, R"({"node": {}, "disks": [1]})").status, 400);
  auto wrong_node = call("POST", target, token, certificate_body("node-e").dump());
  EXPECT_EQ(wrong_node.status, 400);
  EXPECT_NE(wrong_node.body["error"]["message"].get<std::string>().find("node-d"),
            std::string::npos);
  EXPECT_EQ(call("POST", target, token, std::string(70 * 1024, ' ')).status, 413);
  EXPECT_FALSE(*store_->find_certificate(run));
  // Operator reads need the operator token; an uncertified run is a 404.
  EXPECT_EQ(call("GET", target, "").status, 401);
  EXPECT_EQ(call("GET", target, token).status, 401);
  EXPECT_EQ(call("GET", target, kOperator).status, 404);
  EXPECT_EQ(call("GET", "/v1/nodes/node-d/certificate", kOperator).status, 404);
  EXPECT_EQ(call("DELETE", target, kOperator).status, 405);
}

TEST_F(DecommissionApiTest, WithoutASigningKeyNothingIsStartedOrSigned) {
  OrchestratorConfig config;
  config.operator_token = kOperator;
  ApiService keyless(*store_, config);
  auto r = keyless.handle({"POST", "/v1/decommissions", std::string("Bearer ") + kOperator,
                           R"({"nodes": ["node-x"]})"});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body["error"]["code"], "no_signing_key");
  EXPECT_TRUE(store_->list_runs()->empty());
  EXPECT_EQ(keyless.handle({"GET", "/v1/certificate-key", "", ""}).status, 404);
}

// One delivery with both kinds of run: the burn-in counts, figures and
// outliers come from burn-in runs only; decommission runs are counted apart
// (wiped, certified, failed, running) in the delivery and in its summary.
TEST_F(DecommissionApiTest, DeliveryCountsBurnInAndDecommissionRunsApart) {
  auto report = [](const std::string& verdict, double score) {
    return nlohmann::json{
        {"verdict", verdict},
        {"failures", verdict == "PASS" ? nlohmann::json::array()
                                       : nlohmann::json::array({"disk S1: not wiped"})},
        {"stages",
         {{{"name", "benchmark"},
           {"measurements",
            {{{"name", "score"}, {"value", score}, {"unit", "score"}, {"component", "CPU"}}}}}}}};
  };
  auto run_through = [&](const std::string& what, const std::string& node,
                         const std::optional<nlohmann::json>& rep, bool certify) {
    auto [run, token, params] = start(what, node);
    nlohmann::json reg{{"node", {{"ironic_uuid", node}, {"asset_tag", "PO-K"}, {"serial", node}}}};
    EXPECT_EQ(call("POST", "/v1/runs/register", token, reg.dump()).status, 200);
    if (certify) {
      EXPECT_EQ(
          call("POST", "/v1/runs/" + run + "/certificate", token, certificate_body(node).dump())
              .status,
          200);
    }
    if (rep) {
      EXPECT_EQ(call("POST", "/v1/runs/" + run + "/report", token, rep->dump()).status, 200);
    }
    return run;
  };
  // Burn-in: five PASS with similar scores and one FAIL; then decommissions:
  // n0 wiped and certified, n1 wiped, n2 failed, n3 still running, n5 never burnt in.
  for (int i = 0; i < 5; ++i)
    run_through("burnins", "n" + std::to_string(i), report("PASS", 450.0 + i), false);
  run_through("burnins", "n4b", report("FAIL", 452.0), false);
  run_through("decommissions", "n0", report("PASS", 3.0), true);  // 3.0 would be an outlier
  run_through("decommissions", "n1", report("PASS", 2.0), false);
  run_through("decommissions", "n2", report("FAIL", 1.0), true);
  run_through("decommissions", "n3", std::nullopt, false);
  run_through("decommissions", "n5", report("PASS", 4.0), true);

  auto d = call("GET", "/v1/deliveries/PO-K", kOperator);
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.body["nodes"], 7);
  EXPECT_EQ(d.body["passed"], 5);  // burn-in only: the decommissions' PASS are not counted here
  EXPECT_EQ(d.body["failed"], 1);
  EXPECT_EQ(d.body["running"], 0);
  EXPECT_EQ(d.body["decommission"], (nlohmann::json{{"nodes", 5},
                                                     {"wiped", 3},
                                                     {"certified", 3},
                                                     {"failed", 1},
                                                     {"running", 1}}));
  for (const auto& n : d.body["node_list"]) {
    if (n.contains("run")) {
      EXPECT_EQ(n["run"]["kind"], "burnin") << n.dump();
    }
    if (n.contains("decommission_run")) {
      EXPECT_EQ(n["decommission_run"]["kind"], "decommission");
    }
    if (n["uuid"] == "n1") {
      EXPECT_EQ(n["decommission_run"]["certified"], false);
    }
    if (n["uuid"] == "n0") {
      EXPECT_EQ(n["decommission_run"]["certified"], true);
    }
  }
  auto list = call("GET", "/v1/deliveries", kOperator);
  ASSERT_EQ(list.body["deliveries"].size(), 1U);
  EXPECT_EQ(list.body["deliveries"][0]["passed"], 5);
  EXPECT_EQ(list.body["deliveries"][0]["decommission"]["wiped"], 3);

  auto s = call("GET", "/v1/deliveries/PO-K/summary", kOperator);
  ASSERT_EQ(s.status, 200) << s.body.dump();
  EXPECT_EQ(s.body["run_kind"], "burnin");
  EXPECT_EQ(s.body["reported"], 6);
  EXPECT_EQ(s.body["verdicts"]["PASS"], 5);
  EXPECT_EQ(s.body["verdicts"]["FAIL"], 1);
  EXPECT_EQ(s.body["verdicts"]["none"], 1);  // n5: decommissioned, never burnt in
  EXPECT_EQ(s.body["states"]["no run"], 1);
  ASSERT_EQ(s.body["figures"].size(), 1U);
  EXPECT_EQ(s.body["figures"][0]["nodes"], 6);
  EXPECT_DOUBLE_EQ(s.body["figures"][0]["min"].get<double>(), 450.0);  // no decommission score
  EXPECT_TRUE(s.body["outliers"].empty()) << s.body["outliers"].dump();
  EXPECT_EQ(s.body["decommission"], d.body["decommission"]);
}

}  // namespace
}  // namespace kiln::orchestrator

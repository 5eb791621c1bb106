// The decommission certificate: built from a run's evidence, signed, verified,
// tampering detected; the HTML page escapes what the machine reported.
#include <gtest/gtest.h>

#include "kiln/certificate_html.hpp"
#include "kiln/signature.hpp"
#include "report/certificate_body.hpp"

namespace kiln::runner {
namespace {

RunRecord decommission_run() {
  RunRecord run;
  run.run_id = "runner-run-1";
  run.node.fru.product_serial = "SRV-0001";
  run.node.fru.product_asset_tag = "PO-2026-0042";
  run.node.fru.board_serial = "BRD-9";
  run.node.fru.chassis_serial = "CH-7";
  run.node.dmi_system_serial = "SRV-0001";
  run.config.profile.name = "decommission";
  run.started = std::chrono::system_clock::now();
  run.ended = run.started + std::chrono::minutes(5);
  StageRecord inventory;
  inventory.name = "inventory";
  inventory.outcome = Outcome::pass();
  inventory.evidence["inventory"] = {{"cpu", nlohmann::json::object()},
                                     {"dimms", {{{"locator", "A1"}, {"serial", "DIMM-SN-1"}}}},
                                     {"disks", nlohmann::json::array()},
                                     {"nics", {{{"name", "eth0"}, {"mac", "02:00:00:00:00:01"}}}}};
  StageRecord wipe;
  wipe.name = "disk-wipe";
  wipe.outcome = Outcome::pass();
  wipe.evidence["disks"] = {
      {{"device", "/dev/sdb"},
       {"model", "<script>alert(1)</script>"},
       {"serial", "S3Z&1"},
       {"method", "overwrite"},
       {"result", "wiped"},
       {"verification", {{"mode", "sample"}, {"result", "PASS"}, {"bytes_verified", 1048576}}}}};
  StageRecord bmc;
  bmc.name = "bmc-reset";
  bmc.outcome = Outcome::pass();
  bmc.evidence["bmc"] = {{"result", "reset"},
                         {"actions", {{{"action", "SEL cleared"}, {"result", "ok"}}}}};
  run.stages = {inventory, wipe, bmc};
  run.outcome = Outcome::pass();
  return run;
}

TEST(CertificateBody, IdentityDisksBmcOperatorAndVerdict) {
  auto run = decommission_run();
  ASSERT_TRUE(is_decommission_run(run));
  auto body = build_certificate_body(run, {"Jane Tech", "orch-run-7", "uuid-1"});
  EXPECT_EQ(body["format"], "kiln-decommission-certificate");
  EXPECT_EQ(body["run_id"], "orch-run-7");  // the orchestrator's id wins
  EXPECT_EQ(body["runner_run_id"], "runner-run-1");
  EXPECT_EQ(body["operator"], "Jane Tech");
  EXPECT_EQ(body["verdict"], "PASS");
  EXPECT_EQ(body["node"]["fru"]["chassis_serial"], "CH-7");
  EXPECT_EQ(body["node"]["ironic_uuid"], "uuid-1");
  EXPECT_EQ(body["inventory"]["dimms"][0]["serial"], "DIMM-SN-1");
  EXPECT_EQ(body["disks"][0]["serial"], "S3Z&1");
  EXPECT_EQ(body["bmc"]["result"], "reset");
  EXPECT_EQ(body["stages"].size(), 3U);
  EXPECT_FALSE(body["kiln_version"].get<std::string>().empty());
  auto standalone = build_certificate_body(run, {"", "", ""});
  EXPECT_EQ(standalone["run_id"], "runner-run-1");
}

TEST(CertificateBody, AFailedWipeMakesTheVerdictFail) {
  auto run = decommission_run();
  run.stages[1].outcome = Outcome::fail();
  run.outcome = Outcome::fail();
  EXPECT_EQ(build_certificate_body(run, {})["verdict"], "FAIL");
  EXPECT_EQ(build_certificate_body(run, {})["stages"][1]["verdict"], "FAIL");
}

TEST(CertificateBody, SignedVerifiesAndAnyChangeIsDetected) {
  auto key = signature::generate_key();
  ASSERT_TRUE(key.ok());
  auto body = build_certificate_body(decommission_run(), {"Jane Tech", "", ""});
  auto doc = signature::sign_document(body, *key);
  ASSERT_TRUE(doc.ok());
  auto v = signature::verify_document(*doc, key->public_key);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->valid) << v->reason;
  auto tampered = *doc;
  tampered["certificate"]["disks"][0]["result"] = "wiped ";
  auto t = signature::verify_document(tampered, key->public_key);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->valid);
  auto other = signature::generate_key();
  auto forged = signature::sign_document(tampered["certificate"], *other);
  auto f =
      signature::verify_document(*forged, key->public_key);  // a forger's own key is not trusted
  EXPECT_FALSE(f->valid);
}

TEST(CertificateHtml, ShowsEveryOverwritePassWithTheRandomSeed) {
  nlohmann::json disk{{"device", "/dev/loop0"},
                      {"result", "wiped"},
                      {"overwrite_passes",
                       {{{"pattern", "random"},
                         {"prng", "splitmix64"},
                         {"seed", "0x5eed0000c0ffee01"},
                         {"bytes", 8388608}},
                        {{"pattern", "zeros"}, {"bytes", 8388608}}}}};
  std::string html = render_certificate_html(
      nlohmann::json{{"certificate", {{"disks", nlohmann::json::array({disk})}}}});
  EXPECT_NE(html.find("<tr><th>Overwrite passes</th><td>random (splitmix64, seed "
                      "0x5eed0000c0ffee01), 8388608 bytes; zeros, 8388608 bytes</td></tr>"),
            std::string::npos)
      << html;
}

TEST(CertificateHtml, EscapesDeviceTextAndSaysUnsigned) {
  auto body = build_certificate_body(decommission_run(), {"O'Brien <ops>", "", ""});
  std::string html = render_certificate_html(nlohmann::json{{"certificate", body}});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("S3Z&amp;1"), std::string::npos);
  EXPECT_NE(html.find("O&#39;Brien &lt;ops&gt;"), std::string::npos);
  EXPECT_NE(html.find("UNSIGNED"), std::string::npos);
  EXPECT_NE(html.find("DIMM-SN-1"), std::string::npos);
  auto key = signature::generate_key();
  auto doc = signature::sign_document(body, *key);
  std::string signed_html = render_certificate_html(*doc);
  EXPECT_EQ(signed_html.find("UNSIGNED"), std::string::npos);
  EXPECT_NE(signed_html.find(signature::key_id(key->public_key)), std::string::npos);
  // Garbage in, a page out (never a throw).
  EXPECT_NE(render_certificate_html(nlohmann::json::array()).find("Decommission certificate"),
            std::string::npos);
  EXPECT_NE(render_certificate_html(nlohmann::json{{"certificate", {{"disks", "x"}, {"node", 3}}}})
                .find("</html>"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln::runner

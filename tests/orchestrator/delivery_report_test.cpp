// The delivery report through the API on a real SQLite store: firmware
// distribution and systematic findings, tender requirements across the
// batch, the RMA list, and the signature of each format (a changed byte, an
// appended line or another key fails verification).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/api_service.hpp"
#include "report/firmware_distribution.hpp"
#include "report/report_signing.hpp"
#include "report/rma_list.hpp"
#include "sqlite_store_test.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kOperator = "operator-token-for-the-report-test";

// A report.json as kiln-runner writes it, trimmed to what the report reads:
// node i's inventory firmware, its benchmark score, and a disk stage that
// fails on node `bad_disk` with its measurement breaking the limit.
nlohmann::json node_report(int i, const std::string& bios, bool bad_disk) {
  const std::string disk_serial = fmt::format("ZC10{:04}", i);
  const std::string disk = fmt::format("disk {} (/dev/sda)", disk_serial);
  nlohmann::json firmware{{"bios",
                           {{"vendor", "Dell Inc."},
                            {"version", bios},
                            {"release_date", "04/09/2020"},
                            {"revision", "2.6"}}},
                          {"bmc",
                           {{"firmware", "1.74"},
                            {"firmware_revision", "1.74"},
                            {"aux_firmware", nlohmann::json::array()},
                            {"ipmi_version", "2.0"},
                            {"manufacturer", "Super Micro"},
                            {"product", "X11"}}},
                          {"cpu_microcode", "0x5003006"},
                          {"cpu_microcode_mixed", false},
                          {"disks",
                           {{{"name", "sda"},
                             {"model", "ST8000NM0055"},
                             {"serial", disk_serial},
                             {"firmware", "SN05"},
                             {"source", "smartctl"}}}},
                          {"nics", nlohmann::json::array()},
                          {"dimms",
                           {{{"locator", "A1"},
                             {"manufacturer", "Samsung"},
                             {"part_number", "M393A4K40DB3-CWE"},
                             {"serial", "S1"},
                             {"rated_speed_mts", 3200},
                             {"configured_speed_mts", 3200}}}},
                          {"errors", nlohmann::json::object()},
                          {"requirements",
                           {{{"requirement", "firmware.bios"},
                             {"component", "BIOS"},
                             {"model", "Dell Inc."},
                             {"required", ">= 2.17.0"},
                             {"found", bios},
                             {"met", bios >= std::string("2.17.0")}}}}};
  const double score = 500.0 + i;
  nlohmann::json score_limit{{"name", "limits.benchmark.min_score"},
                             {"comparison", "GREATER_THAN_OR_EQUAL"},
                             {"threshold", 450},
                             {"passed", true}};
  nlohmann::json bb_limit{{"name", "limits.disk.bad_blocks_max"},
                          {"comparison", "LESS_THAN_OR_EQUAL"},
                          {"threshold", 0},
                          {"passed", !bad_disk}};
  const int bad_blocks = bad_disk ? 12 : 0;
  nlohmann::json stages = {
      {{"name", "inventory"},
       {"key_figures", nlohmann::json::array()},
       {"measurements", nlohmann::json::array()},
       {"diagnoses", bios >= std::string("2.17.0")
                         ? nlohmann::json::array()
                         : nlohmann::json{{{"verdict", "KILN-FW-BIOS-VERSION"},
                                           {"type", "FAIL"},
                                           {"message", "BIOS firmware is " + bios},
                                           {"component", "BIOS"}},
                                          // a disk to update, not to send back
                                          {{"verdict", "KILN-FW-DISK-VERSION"},
                                           {"type", "FAIL"},
                                           {"message", disk + ": firmware is SN03"},
                                           {"component", disk}}}}},
      {{"name", "benchmark"},
       {"key_figures",
        {{{"name", "score"}, {"value", score}, {"unit", "score"}, {"component", "CPU"}}}},
       {"measurements",
        {{{"name", "score"},
          {"value", score},
          {"unit", "score"},
          {"component", "CPU"},
          {"limits", {score_limit}}}}},
       {"diagnoses", nlohmann::json::array()}},
      {{"name", "disk"},
       {"key_figures", nlohmann::json::array()},
       {"measurements",
        {{{"name", "bad_blocks"},
          {"value", bad_blocks},
          {"unit", ""},
          {"component", disk},
          {"limits", {bb_limit}}}}},
       {"diagnoses",
        bad_disk
            ? nlohmann::json{{{"verdict", "disk-bad-blocks"},
                              {"type", "FAIL"},
                              {"message", disk + ": 12 bad blocks. Next step: replace the disk"},
                              {"component", disk}}}
            : nlohmann::json::array()}}};
  nlohmann::json checked = nlohmann::json::array();
  for (auto [l, stage, m, value, unit] :
       {std::tuple{score_limit, "benchmark", "score", score, "score"},
        std::tuple{bb_limit, "disk", "bad_blocks", double(bad_blocks), ""}}) {
    l["stage"] = stage;
    l["measurement"] = m;
    l["component"] = std::string(stage) == "disk" ? disk : "CPU";
    l["value"] = value;
    l["unit"] = unit;
    checked.push_back(l);
  }
  const bool pass = !bad_disk && bios >= std::string("2.17.0");
  nlohmann::json failures = nlohmann::json::array();
  if (bad_disk) failures.push_back(disk + ": 12 bad blocks. Next step: replace the disk");
  return {{"verdict", pass ? "PASS" : "FAIL"},
          {"kiln_version", "0.9.0-test"},
          {"started", fmt::format("2026-11-2{}T08:00:00Z", i)},
          {"ended", fmt::format("2026-11-2{}T20:00:00Z", i)},
          {"config", {{"sha256", std::string(64, 'a')}}},
          {"failures", failures},
          {"stages", stages},
          {"limits_checked", checked},
          {"firmware", firmware}};
}

class DeliveryReportTest : public SqliteStoreTest<> {
 protected:
  void SetUp() override {
    open_store("kiln-delivery-report");
    OrchestratorConfig config;
    config.operator_token = kOperator;
    config.max_body_bytes = 1024 * 1024;
    api_ = std::make_unique<ApiService>(*store_, config);
    auto key = signature::generate_key();
    ASSERT_TRUE(key);
    key_ = *key;
    api_->set_signing_key(key_);
  }
  ApiResponse call(const std::string& method, const std::string& target, const std::string& token,
                   const std::string& body = "") {
    return api_->handle({method, target, "Bearer " + token, body});
  }
  // Six nodes of PO-7: node 3 runs an older BIOS, node 5 has a failing disk.
  void six_nodes() {
    for (int i = 0; i < 6; ++i) {
      const std::string node = fmt::format("node-{}", i);
      auto started =
          call("POST", "/v1/burnins", kOperator, nlohmann::json{{"nodes", {node}}}.dump());
      ASSERT_EQ(started.status, 201) << started.body.dump();
      const std::string run = started.body["runs"][0]["run_id"];
      const std::string token = started.body["runs"][0]["token"];
      auto reg = call(
          "POST", "/v1/runs/register", token,
          nlohmann::json{
              {"node",
               {{"ironic_uuid", node}, {"asset_tag", "PO-7"}, {"serial", fmt::format("S-{}", i)}}}}
              .dump());
      ASSERT_EQ(reg.status, 200) << reg.body.dump();
      auto posted = call("POST", "/v1/runs/" + run + "/report", token,
                         node_report(i, i == 3 ? "2.12.0" : "2.17.1", i == 5).dump());
      ASSERT_EQ(posted.status, 200) << posted.body.dump();
    }
  }
  signature::SigningKey key_;
};

TEST_F(DeliveryReportTest, SummaryShowsTheFirmwareDistributionAndFlagsTheMinority) {
  six_nodes();
  auto r = call("GET", "/v1/deliveries/PO-7/summary", kOperator);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto& fw = r.body["firmware"];
  auto bios = std::find_if(fw["items"].begin(), fw["items"].end(),
                           [](const auto& i) { return i["key"] == "bios"; });
  ASSERT_NE(bios, fw["items"].end()) << fw.dump();
  EXPECT_EQ((*bios)["summary"], "BIOS version 2.17.1: 5 nodes, 2.12.0: 1 node");
  EXPECT_FALSE((*bios)["uniform"].get<bool>());
  ASSERT_EQ(fw["findings"].size(), 1U) << fw["findings"].dump();
  EXPECT_EQ(fw["findings"][0]["message"],
            "BIOS version 2.12.0 on 1 of 6 nodes (node-3 (S-3)) while 5 run 2.17.1: not uniform "
            "across the delivery");
  EXPECT_EQ(r.body["firmware_flags"].size(), 1U);
  EXPECT_TRUE(r.body["firmware_flags"].contains("node-3"));
}

TEST_F(DeliveryReportTest, RequirementsRmaAndNodes) {
  six_nodes();
  auto r = call("GET", "/v1/deliveries/PO-7/report", kOperator);
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const auto& b = r.body["report"];
  EXPECT_EQ(b["header"]["delivery"], "PO-7");
  EXPECT_EQ(b["header"]["period"]["from"], "2026-11-20T08:00:00Z");
  EXPECT_EQ(b["header"]["period"]["to"], "2026-11-25T20:00:00Z");
  EXPECT_EQ(b["verdict"]["result"], "FAIL");
  EXPECT_EQ(b["verdict"]["by_verdict"]["PASS"], 4);
  std::map<std::string, nlohmann::json> reqs;
  for (const auto& q : b["requirements"]) reqs[q["requirement"].get<std::string>()] = q;
  ASSERT_TRUE(reqs.contains("limits.benchmark.min_score")) << b["requirements"].dump();
  const auto& score = reqs["limits.benchmark.min_score"];
  EXPECT_EQ(score["limit"], ">= 450");
  EXPECT_EQ(score["min"], "500");
  EXPECT_EQ(score["median"], "502.5");
  EXPECT_EQ(score["max"], "505");
  EXPECT_EQ(score["nodes_meeting"], 6);
  EXPECT_EQ(score["verdict"], "PASS");
  const auto& bb = reqs["limits.disk.bad_blocks_max"];
  EXPECT_EQ(bb["nodes_meeting"], 5);
  EXPECT_EQ(bb["nodes_checked"], 6);
  EXPECT_EQ(bb["verdict"], "FAIL");
  EXPECT_EQ(bb["max"], "12");
  const auto& fw = reqs["firmware.bios"];
  EXPECT_EQ(fw["label"], "BIOS version");
  EXPECT_EQ(fw["limit"], ">= 2.17.0");
  EXPECT_EQ(fw["min"], "2.12.0");
  EXPECT_EQ(fw["max"], "2.17.1");
  EXPECT_EQ(fw["nodes_meeting"], 5);
  ASSERT_EQ(b["rma"].size(), 1U)
      << b["rma"].dump();  // neither the BIOS nor a disk to update is a part to return
  const auto& rma = b["rma"][0];
  EXPECT_EQ(rma["node_serial"], "S-5");
  EXPECT_EQ(rma["kind"], "disk");
  EXPECT_EQ(rma["serial"], "ZC100005");
  EXPECT_EQ(rma["model"], "ST8000NM0055");
  EXPECT_EQ(rma["slot"], "/dev/sda");
  EXPECT_EQ(rma["code"], "disk-bad-blocks");
  ASSERT_EQ(rma["evidence"].size(), 1U);
  EXPECT_EQ(rma["evidence"][0]["value"], "12");
  EXPECT_EQ(rma["evidence"][0]["limit"], "<= 0 (limits.disk.bad_blocks_max)");
  ASSERT_EQ(b["nodes"].size(), 6U);
  const auto& n3 = b["nodes"][3];
  EXPECT_EQ(n3["serial"], "S-3");
  EXPECT_EQ(n3["firmware"]["bios"], "2.12.0");
  ASSERT_EQ(n3["findings"].size(), 1U);
  EXPECT_EQ(n3["requirements_failed"], nlohmann::json{"firmware.bios"});
  EXPECT_EQ(b["nodes"][5]["first_failure"],
            "disk ZC100005 (/dev/sda): 12 bad blocks. Next step: replace the disk");
}

TEST_F(DeliveryReportTest, EachFormatIsSignedAndATamperedCopyFails) {
  six_nodes();
  for (const std::string suffix : {"", ".html", ".csv"}) {
    auto r = call("GET", "/v1/deliveries/PO-7/report" + suffix, kOperator);
    ASSERT_EQ(r.status, 200) << suffix << r.body.dump();
    const std::string content = suffix.empty() ? r.body.dump(2) : r.text;
    auto ok = verify_report_text(content, key_.public_key);
    EXPECT_EQ(ok.exit_code, 0) << suffix << ": " << ok.reason;
    EXPECT_EQ(ok.format, suffix.empty() ? "json" : suffix.substr(1));
    // One character changed in a figure the vendor would like to be different.
    std::string tampered = content;
    const auto at = tampered.find("12");
    ASSERT_NE(at, std::string::npos) << suffix;
    tampered[at] = '0';
    auto bad = verify_report_text(tampered, key_.public_key);
    EXPECT_EQ(bad.exit_code, 1) << suffix << ": " << bad.reason;
    // Another key: valid in itself, not the orchestrator's.
    auto other = signature::generate_key();
    ASSERT_TRUE(other);
    auto foreign = verify_report_text(content, other->public_key);
    EXPECT_EQ(foreign.exit_code, 1) << suffix;
    EXPECT_NE(foreign.reason.find("not by the trusted key"), std::string::npos) << foreign.reason;
    if (!suffix.empty()) {
      auto appended = verify_report_text(content + "<p>paid</p>\n", key_.public_key);
      EXPECT_EQ(appended.exit_code, 1) << suffix << ": " << appended.reason;
    }
  }
  EXPECT_EQ(verify_report_text("delivery,node\r\n", std::nullopt).exit_code, 2);
  EXPECT_EQ(verify_report_text("{\"report\": {}}", std::nullopt).exit_code, 2);
}

TEST_F(DeliveryReportTest, CsvHasOneRowPerNodeAndRequirement) {
  six_nodes();
  auto r = call("GET", "/v1/deliveries/PO-7/report.csv", kOperator);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  int rows = 0;
  std::size_t pos = 0;
  while ((pos = r.text.find("\r\n", pos)) != std::string::npos) {
    ++rows;
    pos += 2;
  }
  EXPECT_EQ(rows, 1 + 6 * 3);  // header; 6 nodes x (score, bad blocks, BIOS)
  EXPECT_NE(r.text.find("PO-7,,node-5,S-5,PO-7,FAIL,limits.disk.bad_blocks_max,disk bad_blocks,<= "
                        "0,,12,no,FAIL,0,0,12\r\n"),
            std::string::npos)
      << r.text;
}

TEST_F(DeliveryReportTest, HtmlIsSelfContainedAndPrintable) {
  six_nodes();
  auto r = call("GET", "/v1/deliveries/PO-7/report.html", kOperator);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.text.find("@page { size: A4;"), std::string::npos);
  for (const char* external : {"http://", "https://", "<script", "<link", "src="})
    EXPECT_EQ(r.text.find(external), std::string::npos) << external;
  EXPECT_NE(r.text.find("BIOS version 2.12.0 on 1 of 6 nodes"), std::string::npos);
  EXPECT_NE(r.text.find("disk-bad-blocks"), std::string::npos);
  EXPECT_EQ(r.text.rfind("<!-- kiln-signature algorithm=Ed25519 key_id=" +
                         signature::key_id(key_.public_key)),
            r.text.rfind("\n<!--") + 1);
}

TEST_F(DeliveryReportTest, RefusalsAreClear) {
  EXPECT_EQ(call("GET", "/v1/deliveries/PO-404/report", kOperator).status, 404);
  OrchestratorConfig config;
  config.operator_token = kOperator;
  ApiService unsigned_api(*store_, config);
  auto r = unsigned_api.handle(
      {"GET", "/v1/deliveries/PO-7/report.html", std::string("Bearer ") + kOperator, ""});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body["error"]["code"], "no_signing_key");
}

TEST(RmaComponent, NamesAsTheStagesWriteThem) {
  RmaLine a;
  parse_component("disk S3Z9NX0K (/dev/sdb)", a);
  EXPECT_EQ(a.kind, "disk");
  EXPECT_EQ(a.serial, "S3Z9NX0K");
  EXPECT_EQ(a.slot, "/dev/sdb");
  RmaLine b;
  parse_component("DIMM PROC 1 DIMM 3 (serial 36ADF4G72)", b);
  EXPECT_EQ(b.kind, "DIMM");
  EXPECT_EQ(b.slot, "PROC 1 DIMM 3");
  EXPECT_EQ(b.serial, "36ADF4G72");
  RmaLine c;
  parse_component("NIC eno1 (MAC 3c:fd:fe:aa:bb:01, PCI 0000:3b:00.0)", c);
  EXPECT_EQ(c.kind, "NIC");
  EXPECT_EQ(c.serial, "3c:fd:fe:aa:bb:01");
  EXPECT_EQ(c.slot, "eno1, 0000:3b:00.0");
  RmaLine d;
  parse_component("disk /dev/loop3", d);
  EXPECT_EQ(d.slot, "/dev/loop3");
  EXPECT_EQ(d.serial, "");
}

TEST(FirmwareDistribution, ATieHasNoMajorityAndNamesEveryValue) {
  std::vector<DeliveryNode> nodes(4);
  for (int i = 0; i < 4; ++i) {
    nodes[i].node.uuid = fmt::format("n{}", i);
    nodes[i].node.serial = fmt::format("S{}", i);
    nodes[i].report = {
        {"firmware", {{"bios", {{"version", i < 2 ? "1.0" : "1.1"}}}, {"cpu_microcode", "0x1"}}}};
  }
  auto d = firmware_distribution(nodes);
  ASSERT_EQ(d.findings.size(), 2U);
  EXPECT_EQ(d.findings[0].majority, "");
  EXPECT_NE(d.findings[0].message.find("no value runs on most nodes"), std::string::npos);
  EXPECT_EQ(findings_of_node(d, "n0").size(), 1U);
  auto uniform = std::find_if(d.items.begin(), d.items.end(),
                              [](const auto& i) { return i.key == "cpu_microcode"; });
  ASSERT_NE(uniform, d.items.end());
  EXPECT_TRUE(uniform->uniform());
  EXPECT_EQ(describe(*uniform), "CPU microcode 0x1: 4 nodes");
}

// Storage controllers batch by driver and PCI id; one that exposes no firmware is not compared.
TEST(FirmwareDistribution, StorageControllerMinorityIsAFinding) {
  std::vector<DeliveryNode> nodes(3);
  for (int i = 0; i < 3; ++i) {
    nodes[i].node.uuid = fmt::format("n{}", i);
    nodes[i].node.serial = fmt::format("S{}", i);
    nodes[i].report = {{"firmware",
                        {{"storage_controllers",
                          {{{"driver", "mpt3sas"},
                            {"pci_id", "1000:0097"},
                            {"firmware", i == 2 ? "16.00.01.00" : "24.00.00.00"}},
                           {{"driver", "ahci"}, {"pci_id", "8086:a182"}, {"firmware", ""}}}}}}};
  }
  auto d = firmware_distribution(nodes);
  ASSERT_EQ(d.items.size(), 1U);
  EXPECT_EQ(d.items[0].key, "storage_controller[mpt3sas 1000:0097]");
  EXPECT_EQ(
      describe(d.items[0]),
      "storage controller firmware, mpt3sas 1000:0097 24.00.00.00: 2 nodes, 16.00.01.00: 1 node");
  ASSERT_EQ(d.findings.size(), 1U);
  EXPECT_EQ(findings_of_node(d, "n2").size(), 1U);
  EXPECT_TRUE(findings_of_node(d, "n0").empty());
}

}  // namespace
}  // namespace kiln::orchestrator

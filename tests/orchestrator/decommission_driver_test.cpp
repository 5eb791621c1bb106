// The decommission state machine against the fake Ironic: PASS with a
// certificate retires the node (retired_reason naming the certificate) and
// leaves it manageable (through cleaning, or kiln's own 'manage'), optionally
// deleted; no certificate, a tampered one, FAIL or ERROR put it in
// maintenance; a new driver resumes from the store.
#include <gtest/gtest.h>

#include <algorithm>

#include "driver_test_fixture.hpp"
#include "kiln/config.hpp"
#include "kiln/signature.hpp"

namespace kiln::orchestrator {
namespace {

constexpr const char* kNode = "5c7f3a3e-8d57-4c5e-9f0e-1d2b3c4d5e6f";

class DecommissionDriverTest : public DriverTest<> {
 protected:
  DecommissionDriverTest() : DriverTest(kNode) {}
  void SetUp() override {
    open_store("kiln-decom-driver");
    config_.ironic.decommission_certificate_wait = std::chrono::seconds(0);
    api_ = std::make_unique<ApiService>(*store_, config_);
    key_ = *signature::generate_key();
    api_->set_signing_key(key_);
    ASSERT_TRUE(store_->create_run(unstarted_run("run-d1", kNode, "decommission")));
  }
  bool drive_to(BurninDriver& driver, const std::string& state) {
    return DriverTest::drive_to(driver, "run-d1", state);
  }
  void report(const std::string& verdict, const std::string& failure = "") {
    nlohmann::json r{{"verdict", verdict}, {"failures", nlohmann::json::array()}};
    if (!failure.empty()) r["failures"].push_back(failure);
    ASSERT_TRUE(store_->store_report("run-d1", r.dump(), verdict));
  }
  // Stores a certificate signed by `key`; `tamper` changes the body afterwards.
  CertificateRow certify(const signature::SigningKey& key, bool tamper = false,
                         const std::string& says = "PASS") {
    nlohmann::json body{{"node", {{"ironic_uuid", kNode}}},
                        {"verdict", says},
                        {"disks", {{{"device", "/dev/sda"}, {"result", "PASS"}}}}};
    auto doc = *signature::sign_document(body, key);
    if (tamper) doc["certificate"]["disks"][0]["result"] = "FAIL";
    CertificateRow row{"run-d1",
                       kNode,
                       sha256_hex(signature::canonical_text(body)),
                       signature::key_id(key.public_key),
                       doc.dump(),
                       ""};
    EXPECT_TRUE(*store_->store_certificate(row));
    return row;
  }
  int count(const std::string& request) {
    std::lock_guard lock(ironic_.mu);
    return static_cast<int>(std::count(ironic_.requests.begin(), ironic_.requests.end(), request));
  }

  signature::SigningKey key_;
};

TEST_F(DecommissionDriverTest, PassRetiresTheNodeNamingTheCertificateAndResumesAfterRestart) {
  {
    std::lock_guard lock(ironic_.mu);
    ironic_.node["automated_clean"] = true;  // Ironic cleans, then retires to manageable
  }
  ironic_.listen();
  {
    BurninDriver first(*store_, api_->endpoint(), config_.ironic);
    ASSERT_TRUE(drive_to(first, "running"));
    std::lock_guard lock(ironic_.mu);
    std::string params = ironic_.node["instance_info"]["kernel_append_params"];
    EXPECT_NE(params.find("kiln.mode=decommission"), std::string::npos) << params;
    EXPECT_EQ(ironic_.node["extra"]["kiln"]["state"], "decommissioning");
  }
  auto certificate = certify(key_);
  report("PASS");
  {
    BurninDriver first(*store_, api_->endpoint(), config_.ironic);
    ASSERT_TRUE(drive_to(first, "undeploy"));
  }
  BurninDriver second(*store_, api_->endpoint(), config_.ironic);  // an orchestrator restart
  ASSERT_TRUE(drive_to(second, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["provision_state"], "manageable");
  EXPECT_EQ(ironic_.node["retired"], true);
  const std::string reason = ironic_.node["retired_reason"];
  EXPECT_EQ(reason, retired_reason(certificate));
  EXPECT_NE(reason.find(signature::key_id(key_.public_key) + "/run-d1"), std::string::npos);
  EXPECT_NE(reason.find(certificate.body_sha256), std::string::npos);
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["state"], "decommissioned");
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["certificate_sha256"], certificate.body_sha256);
  EXPECT_EQ(ironic_.node["traits"], nlohmann::json::array({"CUSTOM_KILN_DECOMMISSIONED"}));
  EXPECT_EQ(ironic_.node["maintenance"], false);
  EXPECT_EQ(std::count(ironic_.requests.begin(), ironic_.requests.end(), "provision manage"), 0);
  EXPECT_EQ(std::count(ironic_.requests.begin(), ironic_.requests.end(), "provision deleted"), 1);
}

TEST_F(DecommissionDriverTest, WithoutCleaningKilnMovesTheRetiredNodeToManageableAndDeletesIt) {
  config_.ironic.decommission_delete_node = true;
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  certify(key_);
  report("PASS");
  ASSERT_TRUE(drive_to(driver, "done"));
  EXPECT_EQ(count("provision manage"), 1);
  EXPECT_EQ(count("DELETE"), 1);
  std::lock_guard lock(ironic_.mu);
  EXPECT_TRUE(ironic_.deleted);
  EXPECT_EQ(ironic_.node["provision_state"], "manageable");
  EXPECT_EQ(ironic_.node["retired"], true);
}

TEST_F(DecommissionDriverTest, PassWithoutACertificateGoesToMaintenance) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  report("PASS");
  ASSERT_TRUE(drive_to(driver, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["maintenance"], true);
  EXPECT_NE(ironic_.node["maintenance_reason"].get<std::string>().find("without a certificate"),
            std::string::npos);
  EXPECT_EQ(ironic_.node["retired"], false);
  EXPECT_EQ(ironic_.node["provision_state"], "active");
}

TEST_F(DecommissionDriverTest, ACertificatePostedAfterTheReportIsWaitedFor) {
  config_.ironic.decommission_certificate_wait = std::chrono::seconds(30);
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  report("PASS");  // the runner sends its report first, then the certificate
  ASSERT_TRUE(drive_to(driver, "judge"));
  for (int i = 0; i < 20; ++i) driver.tick();
  EXPECT_EQ((*store_->find_run("run-d1"))->driver_state, "judge");
  certify(key_);
  ASSERT_TRUE(drive_to(driver, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["retired"], true);
  EXPECT_EQ(ironic_.node["maintenance"], false);
}

TEST_F(DecommissionDriverTest, ACertificateThatSaysFailDoesNotRetire) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  certify(key_, false, "FAIL");
  report("PASS");
  ASSERT_TRUE(drive_to(driver, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["retired"], false);
  EXPECT_NE(ironic_.node["maintenance_reason"].get<std::string>().find("says FAIL"),
            std::string::npos);
}

TEST_F(DecommissionDriverTest, TamperedOrForeignCertificatesDoNotRetire) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  certify(key_, /*tamper=*/true);
  report("PASS");
  ASSERT_TRUE(drive_to(driver, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["retired"], false);
  const std::string reason = ironic_.node["maintenance_reason"];
  EXPECT_NE(reason.find("does not verify"), std::string::npos) << reason;
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["state"], "decommission-failed");
}

TEST_F(DecommissionDriverTest, CertificateOfAnotherKeyDoesNotRetire) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  certify(*signature::generate_key());
  report("PASS");
  ASSERT_TRUE(drive_to(driver, "done"));
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["retired"], false);
  EXPECT_NE(ironic_.node["maintenance_reason"].get<std::string>().find("not by the trusted key"),
            std::string::npos);
}

TEST_F(DecommissionDriverTest, FailAndErrorGoToMaintenanceWithTheFirstFailureWithoutRetry) {
  ironic_.listen();
  BurninDriver driver(*store_, api_->endpoint(), config_.ironic);
  ASSERT_TRUE(drive_to(driver, "running"));
  certify(key_);  // even with a certificate, a failed run never retires the node
  report("ERROR", "disk sda: ATA security is frozen; power-cycle the node and retry");
  ASSERT_TRUE(drive_to(driver, "done"));
  EXPECT_EQ(store_->list_runs()->size(), 1U);  // ERROR is not retried for a decommission
  std::lock_guard lock(ironic_.mu);
  EXPECT_EQ(ironic_.node["maintenance_reason"],
            "disk sda: ATA security is frozen; power-cycle the node and retry");
  EXPECT_EQ(ironic_.node["retired"], false);
  EXPECT_EQ(ironic_.node["extra"]["kiln"]["verdict"], "ERROR");
}

}  // namespace
}  // namespace kiln::orchestrator

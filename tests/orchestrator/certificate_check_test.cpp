// What `kilnctl certificate verify FILE` decides: VALID (0) for an intact
// certificate, INVALID (1) for a corrupted one or another key, ERROR (2) for
// what is not a signed certificate at all.
#include "certificate/certificate_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_dir.hpp"

namespace kiln::orchestrator {
namespace {

class CertificateCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_test_dir("kiln-cert-check");
    key_ = *signature::generate_key();
    nlohmann::json body{{"node", {{"serial", "KILN-0001"}}},
                        {"disks", {{{"name", "sda"}, {"verification", "PASS"}}}}};
    document_ = *signature::sign_document(body, key_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::filesystem::path dir_;
  signature::SigningKey key_;
  nlohmann::json document_;
};

TEST_F(CertificateCheckTest, IntactCertificateIsValidWithAndWithoutTheTrustedKey) {
  auto path = write("certificate.json", document_.dump(2));
  auto trusted = check_certificate_file(path, key_.public_key);
  EXPECT_EQ(trusted.exit_code, 0) << trusted.reason;
  EXPECT_TRUE(trusted.trusted_key);
  EXPECT_EQ(trusted.key_id, signature::key_id(key_.public_key));
  EXPECT_EQ(describe(trusted).rfind("VALID: ", 0), 0U) << describe(trusted);
  auto self = check_certificate_file(path, std::nullopt);
  EXPECT_EQ(self.exit_code, 0);
  EXPECT_FALSE(self.trusted_key);
  EXPECT_NE(self.reason.find("--public-key"), std::string::npos);
  EXPECT_EQ(to_json(self)["result"], "VALID");
}

TEST_F(CertificateCheckTest, CorruptedFileIsInvalidNamingTheReason) {
  std::string text = document_.dump(2);
  auto at = text.find("PASS");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 4, "FAIL");  // one field changed after signing
  auto check = check_certificate_file(write("tampered.json", text), key_.public_key);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.reason.find("changed after signing"), std::string::npos) << check.reason;
  EXPECT_EQ(describe(check).rfind("INVALID: ", 0), 0U);
  EXPECT_EQ(to_json(check)["valid"], false);
  // Also when nothing but the embedded key is checked.
  EXPECT_EQ(check_certificate_file(write("tampered2.json", text), std::nullopt).exit_code, 1);
}

TEST_F(CertificateCheckTest, ForgedWithAnotherKeyIsInvalidAgainstTheTrustedKey) {
  auto forger = *signature::generate_key();
  auto forged = *signature::sign_document(document_["certificate"], forger);
  auto check = check_certificate_file(write("forged.json", forged.dump()), key_.public_key);
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.key_id, signature::key_id(forger.public_key));
  EXPECT_NE(check.reason.find("not by the trusted key"), std::string::npos) << check.reason;
}

TEST_F(CertificateCheckTest, WhatIsNotASignedCertificateIsAnError) {
  EXPECT_EQ(check_certificate_file((dir_ / "missing.json").string(), key_.public_key).exit_code, 2);
  std::string text = document_.dump();
  EXPECT_EQ(
      check_certificate_file(write("cut.json", text.substr(0, text.size() / 2)), key_.public_key)
          .exit_code,
      2);
  auto unsigned_only =
      check_certificate_file(write("body.json", document_["certificate"].dump()), key_.public_key);
  EXPECT_EQ(unsigned_only.exit_code, 2);
  EXPECT_EQ(describe(unsigned_only).rfind("ERROR: ", 0), 0U);
}

}  // namespace
}  // namespace kiln::orchestrator

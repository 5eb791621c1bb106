#include "kiln/signature.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kiln::signature {
namespace {

nlohmann::json sample_body() {
  return {{"node", {{"product_serial", "KILN-0001"}}},
          {"disks", {{{"serial", "S3Z9NX0K"}, {"method", "nvme-sanitize-crypto"}, {"verified", true}}}},
          {"bytes", 1.5e12}};
}

TEST(Signature, SignedDocumentVerifies) {
  auto key = generate_key();
  ASSERT_TRUE(key) << key.error().message;
  auto doc = sign_document(sample_body(), *key);
  ASSERT_TRUE(doc);
  auto v = verify_document(*doc, key->public_key);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->valid) << v->reason;
  EXPECT_EQ(v->key_id, key_id(key->public_key));
  EXPECT_EQ(v->key_id.size(), 16U);
}

TEST(Signature, SurvivesATextRoundTrip) {
  auto key = generate_key();
  ASSERT_TRUE(key);
  auto doc = sign_document(sample_body(), *key);
  ASSERT_TRUE(doc);
  const auto reparsed = nlohmann::json::parse(doc->dump(2));
  auto v = verify_document(reparsed, std::nullopt);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->valid) << v->reason;
}

TEST(Signature, AChangedBodyFails) {
  auto key = generate_key();
  ASSERT_TRUE(key);
  auto doc = sign_document(sample_body(), *key);
  ASSERT_TRUE(doc);
  (*doc)["certificate"]["disks"][0]["verified"] = false;
  auto v = verify_document(*doc, key->public_key);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->valid);
  EXPECT_NE(v->reason.find("changed after signing"), std::string::npos) << v->reason;
}

TEST(Signature, AForgerWithHisOwnKeyIsNotTrusted) {
  auto real = generate_key();
  auto forger = generate_key();
  ASSERT_TRUE(real && forger);
  auto forged = sign_document(sample_body(), *forger);
  ASSERT_TRUE(forged);
  auto untrusted = verify_document(*forged, std::nullopt);
  ASSERT_TRUE(untrusted);
  EXPECT_TRUE(untrusted->valid);  // self-consistent...
  auto trusted = verify_document(*forged, real->public_key);
  ASSERT_TRUE(trusted);
  EXPECT_FALSE(trusted->valid);  // ...but not by the orchestrator's key
  EXPECT_NE(trusted->reason.find(key_id(real->public_key)), std::string::npos);
}

TEST(Signature, GarbledSignatureFieldsAreReportedNotThrown) {
  auto key = generate_key();
  ASSERT_TRUE(key);
  auto doc = sign_document(sample_body(), *key);
  ASSERT_TRUE(doc);
  auto bad_value = *doc;
  bad_value["signature"]["value"] = "not base64!";
  auto v = verify_document(bad_value, std::nullopt);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->valid);
  auto bad_alg = *doc;
  bad_alg["signature"]["algorithm"] = "RSA";
  v = verify_document(bad_alg, std::nullopt);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->valid);
  EXPECT_FALSE(verify_document(nlohmann::json{{"certificate", 1}}, std::nullopt));
  auto wrong_type = *doc;
  wrong_type["signature"]["value"] = 42;
  EXPECT_FALSE(verify_document(wrong_type, std::nullopt));
}

TEST(Signature, PemRoundTripAndKeyFileCreatedPrivate) {
  const auto dir = std::filesystem::temp_directory_path() / ("kiln-sig-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "signing.pem").string();
  auto created = load_or_create_key(path, true);
  ASSERT_TRUE(created) << created.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  auto again = load_or_create_key(path, false);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->public_key, created->public_key);
  auto pub = parse_public_key_pem(public_key_pem(created->public_key), "pub");
  ASSERT_TRUE(pub);
  EXPECT_EQ(*pub, created->public_key);
  auto from_private = load_public_key(path);
  ASSERT_TRUE(from_private);
  EXPECT_EQ(*from_private, created->public_key);
  std::ofstream(dir / "junk.pem") << "-----BEGIN NOTHING-----\n";
  auto junk = load_public_key((dir / "junk.pem").string());
  ASSERT_FALSE(junk);
  EXPECT_NE(junk.error().message.find("junk.pem"), std::string::npos);
  EXPECT_FALSE(load_or_create_key((dir / "missing.pem").string(), false));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiln::signature

#include "agent/ironic_ramdisk_client.hpp"

#include <gtest/gtest.h>

#include "agent/agent_service.hpp"

namespace kiln::runner::agent {
namespace {

// Ironic 21.4's lookup answer (trimmed), first and later lookups.
constexpr const char* kLookup =
    R"({"node": {"uuid": "bb9ef8ce-4ba0-421c-8c3a-c1f5163db5db", "properties": {},
  "instance_info": {}, "driver_internal_info": {"clean_steps": null}}, "config": {"metrics": {"backend": "noop"},
  "heartbeat_timeout": 300, "agent_token": "%s", "agent_token_required": true}})";

std::string lookup_with(const std::string& token) {
  std::string text = kLookup;
  return text.replace(text.find("%s"), 2, token);
}

TEST(IronicRamdiskClient, LookupReply) {
  auto first = parse_lookup_reply(lookup_with("tok-123"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->node_uuid, "bb9ef8ce-4ba0-421c-8c3a-c1f5163db5db");
  EXPECT_EQ(first->agent_token, "tok-123");
  EXPECT_EQ(first->heartbeat_timeout_s, 300);
  EXPECT_EQ(parse_lookup_reply(lookup_with("******"))->agent_token, "")
      << "masked after the first lookup";
  EXPECT_TRUE(first->driver_internal_info.contains("clean_steps"))
      << "kept for the interrupted-step check";
  EXPECT_TRUE(parse_lookup_reply(R"({"node": {"uuid": "u", "driver_internal_info": 3}})")
                  ->driver_internal_info.is_object());
  EXPECT_FALSE(parse_lookup_reply(R"({"config": {}})").ok());
  EXPECT_FALSE(parse_lookup_reply("<html>").ok());
}

TEST(IronicRamdiskClient, FaultFromErrorMessage) {
  EXPECT_EQ(
      ironic_fault(
          R"({"error_message": "{\"faultstring\": \"Invalid or missing agent token received.\", \"debuginfo\": null}"})"),
      "Invalid or missing agent token received.");
  EXPECT_EQ(ironic_fault("plain"), "plain");
}

TEST(AgentService, MacFromBootif) {
  EXPECT_EQ(*mac_from_bootif("01-52-54-00-AB-cd-01"), "52:54:00:ab:cd:01");
  EXPECT_EQ(*mac_from_bootif("52:54:00:ab:cd:01"), "52:54:00:ab:cd:01");
  EXPECT_FALSE(mac_from_bootif("52:54:00:ab:cd").has_value());
  EXPECT_FALSE(mac_from_bootif("zz:54:00:ab:cd:01").has_value());
}

}  // namespace
}  // namespace kiln::runner::agent

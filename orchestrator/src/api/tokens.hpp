// Bearer tokens: each burn-in gets a fresh random token; the store keeps only
// its SHA-256. The operator token comes from the config.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::orchestrator {

// 32 random bytes (OpenSSL RAND_bytes) as 64 lowercase hex characters.
std::string random_token();
// A short random id: "run-" + 16 hex characters.
std::string random_run_id();
std::string token_hash(std::string_view token);
// Compares in time independent of where the strings differ.
bool constant_time_equal(std::string_view a, std::string_view b);
// "Bearer XYZ" -> "XYZ"; nullopt for anything else.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace kiln::orchestrator

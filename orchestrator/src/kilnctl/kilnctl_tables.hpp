// kilnctl's human output: fixed-width tables from the API's JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kiln::orchestrator {

std::string deliveries_table(const nlohmann::json& body);
std::string delivery_table(const nlohmann::json& body);
std::string nodes_table(const nlohmann::json& body);
std::string node_table(const nlohmann::json& body);
std::string run_table(const nlohmann::json& run);
std::string started_table(const nlohmann::json& body);

}  // namespace kiln::orchestrator

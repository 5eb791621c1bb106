// Every endpoint of the orchestrator's API, as one table (routes.cpp).
#pragma once

#include <span>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

std::span<const Route> api_routes();

}  // namespace kiln::orchestrator

// The node lists of the operator API: every node (GET /v1/nodes), one node,
// the deliveries and one delivery node by node. Lists of nodes are pages in
// UUID order (keyset paging): ?limit=N (1 to kMaxPageLimit, default
// kDefaultPageLimit) and ?after=UUID (the "next" of the page before); an
// answer with more nodes after it carries "next".
#pragma once

#include <cstddef>
#include <string>
#include <variant>

#include "api/route_table.hpp"

namespace kiln::orchestrator {

constexpr std::size_t kDefaultPageLimit = 500;
constexpr std::size_t kMaxPageLimit = 5000;

// The page a request's ?limit= and ?after= ask for, or the 400 naming the bad parameter.
std::variant<NodePageQuery, ApiResponse> parse_node_page(const std::string& target);

ApiResponse get_nodes(ApiCall& call);       // GET /v1/nodes
ApiResponse get_node(ApiCall& call);        // GET /v1/nodes/{node}
ApiResponse get_deliveries(ApiCall& call);  // GET /v1/deliveries
ApiResponse get_delivery(ApiCall& call);    // GET /v1/deliveries/{delivery}

}  // namespace kiln::orchestrator

// The kernel command line a node boots kiln's image with (DESIGN.md's
// contract): kiln.url, kiln.node, kiln.token, kiln.mode, then the operator's
// extra parameters.
#pragma once

#include <string>
#include <string_view>

namespace kiln::orchestrator {

// `mode` is the run's kind (burnin | decommission). A kiln.mode= among `extra`
// is dropped: the run decides the mode, and a node never sees two.
std::string kernel_params(std::string_view public_url, std::string_view node_uuid,
                          std::string_view token, std::string_view mode, std::string_view extra);

}  // namespace kiln::orchestrator

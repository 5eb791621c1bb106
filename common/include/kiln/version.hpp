#pragma once

#include <string_view>

namespace kiln {
// The kiln version this binary was built from (project version in CMakeLists.txt).
std::string_view kiln_version();
}  // namespace kiln

#include "kiln/version.hpp"

namespace kiln {
std::string_view kiln_version() { return KILN_VERSION; }
}  // namespace kiln

// The catalog's failure-code table (failure_codes_data.cpp), read by failure_codes.cpp.
#pragma once

#include <cstddef>

#include "kiln/catalog/failure_codes.hpp"

namespace kiln::catalog::tables {

extern const FailureCode kFailureCodes[];
extern const std::size_t kFailureCodeCount;

}  // namespace kiln::catalog::tables

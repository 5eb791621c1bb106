// The catalog's measurement table (measurements_data.cpp), read by measurements.cpp.
#pragma once

#include <cstddef>

#include "kiln/catalog/measurements.hpp"

namespace kiln::catalog::tables {

extern const MeasurementDecl kMeasurements[];
extern const std::size_t kMeasurementCount;

}  // namespace kiln::catalog::tables

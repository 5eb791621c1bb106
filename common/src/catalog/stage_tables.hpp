// The catalog's stage declarations, one table per stage, defined in
// stages_burnin.cpp, stages_disk.cpp and stages_network.cpp; stages.cpp lists them.
#pragma once

#include "kiln/catalog/stages.hpp"

namespace kiln::catalog::tables {

extern const StageDecl kPreliminaryStage;
extern const StageDecl kInventoryStage;
extern const StageDecl kCpuStage;
extern const StageDecl kMemoryStage;
extern const StageDecl kMemtestStage;
extern const StageDecl kBenchmarkStage;
extern const StageDecl kDiskStage;
extern const StageDecl kDiskPerfStage;
extern const StageDecl kDiskWipeStage;
extern const StageDecl kNetworkStage;
extern const StageDecl kBmcResetStage;

}  // namespace kiln::catalog::tables

// Judges what one tested NIC measured against the delivery's network.*
// limits: TCP/bidir throughput per direction against network.min_gbps and
// network.min_link_fraction x negotiated speed (the slower of the pair; not
// checked when a speed is unknown), UDP loss/jitter, retransmits and ping
// reported. Each failed limit is a FAIL diagnosis naming the NIC and partner.
#pragma once

#include "kiln/config.hpp"
#include "stage/step_recorder.hpp"
#include "stages/network/pair_runner.hpp"
#include "stages/network/tested_interface.hpp"

namespace kiln::runner::network {

// Returns the number of failed checks.
int judge_interface(StepRecorder& step, const TestedInterface& nic, const InterfaceRun& run,
                    const ResolvedConfig& config);

}  // namespace kiln::runner::network

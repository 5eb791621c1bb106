// Cancelling the running tools of a whole process (agent mode): when the flag
// given here becomes true, every SystemHostAdapter::run() in progress kills
// its command's process group (SIGTERM, SIGKILL 5 s later) and returns it as
// killed by the signal, so an aborted Ironic step does not wait for a
// day-long stress-ng. Process-wide: the agent runs one step at a time.
#pragma once

#include <atomic>

namespace kiln::runner {

// nullptr: nothing cancels (the default; `kiln-runner run` stops between tools).
void cancel_commands_when(const std::atomic<bool>* flag);
const std::atomic<bool>* command_cancel_flag();

}  // namespace kiln::runner

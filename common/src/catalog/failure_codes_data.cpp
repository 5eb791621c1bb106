// Every failure code, declared once. A stage reports a FAIL through
// StepRecorder::fail(code, args, part); docs/failure-codes.md is generated
// from this table (kiln-catalog-docs). Ids are stable: operators and Ironic
// maintenance reasons quote them, so a code is never renamed or reused.
#include "catalog/failure_table.hpp"

namespace kiln::catalog::tables {
namespace {

constexpr auto kFail = Severity::kFail;
constexpr std::string_view kReplaceDisk = "replace the disk";
// FailureCode::returns_part: the site (or the vendor on site) fixes it; nothing is sent back.
constexpr bool kFixedOnSite = false;
constexpr std::string_view kUpdateFirmware =
    "update the firmware to the version the tender names (the vendor's release notes say how)";
constexpr std::string_view kCheckLink =
    "check the cable, transceiver, switch port and NIC firmware (the partner's report tells "
    "whether it is this link)";

}  // namespace

const FailureCode kFailureCodes[] = {
    // preliminary
    {"KILN-FRU-ASSET-TAG-MISSING", "preliminary", "node", kFail,
     "the BMC FRU's Product Asset Tag is empty, so the node cannot be traced to its delivery or "
     "purchase order",
     "write the delivery / purchase order number into the BMC FRU (ipmitool fru edit 0 field p 5 "
     "TAG) and run the burn-in again",
     kFixedOnSite},
    {"KILN-FRU-SERIAL-MISSING", "preliminary", "node", kFail,
     "the BMC FRU's Product Serial is {serial}, so the node cannot be traced to its invoice",
     "have the vendor program the chassis serial into the BMC FRU and run the burn-in again",
     kFixedOnSite},
    {"KILN-FRU-SERIAL-MISMATCH", "preliminary", "node", kFail,
     "the BMC FRU's Product Serial '{fru_serial}' differs from the DMI system serial "
     "'{dmi_serial}': the FRU or the board was swapped",
     "check both against the chassis label and have the vendor reprogram the wrong one",
     kFixedOnSite},
    {"KILN-BOOT-NOT-NETWORK-FIRST", "preliminary", "node", kFail,
     "the delivery requires booting from the network before disk; BootOrder has {first} (order: "
     "{order}); {network}",
     "put the network boot first in the firmware setup (or in-band as shown) and run the burn-in "
     "again",
     kFixedOnSite},
    // inventory
    {"KILN-INV-CPU-MODEL", "inventory", "cpu", kFail,
     "{part}: the CPU model is '{model}'; the tender requires '{expected}'",
     "have the vendor fit the CPU model the tender names (compare the order confirmation)"},
    {"KILN-INV-COUNT", "inventory", "node", kFail,
     "{part}: {found} found; the tender requires {expected}",
     "check that the firmware setup enables every part (SMT, cores, DIMM slots, ports) and that "
     "each is seated; have the vendor supply what is missing",
     kFixedOnSite},
    {"KILN-INV-RAM", "inventory", "memory", kFail,
     "{part}: {installed} GiB of RAM installed; the tender requires {expected} GiB",
     "check that every DIMM is seated and seen by the firmware; have the vendor fit the DIMMs the "
     "tender names",
     kFixedOnSite},
    {"KILN-INV-DIMMS-EMPTY", "inventory", "memory", kFail,
     "{part}: no DIMM in {slots}; the tender requires {expected}",
     "fit or reseat a DIMM in the slots the tender fills (a DIMM the firmware does not see shows "
     "as an empty slot)",
     kFixedOnSite},
    {"KILN-INV-DISK-TOO-SMALL", "inventory", "disk", kFail,
     "{part}: {size} GB; the tender requires at least {expected} GB",
     "have the vendor replace the disk with one of the size the tender names"},
    {"KILN-INV-DISK-MODEL", "inventory", "disk", kFail,
     "{part}: model '{model}'; the tender requires one of: {expected}",
     "have the vendor replace the disk with a model the tender names"},
    {"KILN-INV-NIC-NO-LINK", "inventory", "nic", kFail,
     "{part}: no link (operstate {operstate}); the tender requires at least {expected} Mb/s",
     "check the cable, transceiver and switch port, and that the port is enabled in the firmware "
     "setup",
     kFixedOnSite},
    // inventory: the delivery's firmware rules ({model} of the BIOS, BMC, CPU, DIMM is
    // " [vendor or part number]" or empty)
    {"KILN-FW-BIOS-VERSION", "inventory", "bios", kFail,
     "{part}{model}: firmware is {found}; the delivery requires {required} ({requirement})",
     kUpdateFirmware, kFixedOnSite},
    {"KILN-FW-BMC-VERSION", "inventory", "bmc", kFail,
     "{part}{model}: firmware is {found}; the delivery requires {required} ({requirement})",
     kUpdateFirmware, kFixedOnSite},
    {"KILN-FW-CPU-MICROCODE", "inventory", "cpu", kFail,
     "{part}{model}: microcode is {found}; the delivery requires {required} ({requirement})",
     "update the BIOS to a release that carries this microcode (or load it from the OS image)",
     kFixedOnSite},
    {"KILN-FW-DISK-VERSION", "inventory", "disk", kFail,
     "{part}: firmware is {found}; the delivery requires {required} for model {model} "
     "({requirement})",
     kUpdateFirmware, kFixedOnSite},
    {"KILN-FW-NIC-VERSION", "inventory", "nic", kFail,
     "{part}: firmware is {found}; the delivery requires {required} for driver {model} "
     "({requirement})",
     kUpdateFirmware, kFixedOnSite},
    {"KILN-DIMM-SPEED-BELOW-RATED", "inventory", "dimm", kFail,
     "{part}{model}: runs at {found}; its rated speed is {rated} ({requirement})",
     "check the firmware setup's memory frequency and the DIMM population (mixed or misplaced "
     "DIMMs run slower)",
     kFixedOnSite},
    // disk
    {"KILN-DISK-BAD-BLOCKS", "disk", "disk", kFail,
     "{part}: badblocks found {bad_blocks}; the tender allows {allowed}", kReplaceDisk},
    {"KILN-DISK-SMART-HEALTH", "disk", "disk", kFail,
     "{part}: SMART overall health is FAILED{before}", kReplaceDisk},
    {"KILN-DISK-SMART-COUNTER-GREW", "disk", "disk", kFail,
     "{part}: SMART {counter} grew from {before} to {after} during the stage; the tender allows "
     "{allowed}",
     kReplaceDisk},
    {"KILN-DISK-NVME-CRITICAL-WARNING", "disk", "disk", kFail,
     "{part}: NVMe critical_warning is {warning}", kReplaceDisk},
    {"KILN-DISK-NVME-SPARE-LOW", "disk", "disk", kFail,
     "{part}: NVMe available spare {spare} % is below its threshold {threshold} %", kReplaceDisk},
    {"KILN-DISK-NVME-WORN", "disk", "disk", kFail,
     "{part}: NVMe endurance {used} % used; the tender allows {allowed} %",
     "return the disk to the supplier: it is not a new drive"},
    {"KILN-DISK-SELF-TEST-FAILED", "disk", "disk", kFail,
     "{part}: SMART {kind} self-test ended: {result}", kReplaceDisk},
    // memory
    {"KILN-MEM-VERIFY-FAILED", "memory", "memory", kFail,
     "stress-ng read back different data than it wrote: {what}",
     "run the memory stage again with EDAC enabled, or memtest, to locate the DIMM"},
    {"KILN-MEM-CORRECTED-ERRORS", "memory", "dimm", kFail,
     "{part}: {count} during the stage; the tender allows {allowed}",
     "reseat or replace the DIMM (errors the controller does not attribute: run memtest to locate "
     "it)"},
    {"KILN-MEM-UNCORRECTED-ERRORS", "memory", "dimm", kFail, "{part}: {count} during the stage",
     "replace the DIMM (errors the controller does not attribute: run memtest to locate it)"},
    // cpu
    {"KILN-CPU-COMPUTATION-ERROR", "cpu", "cpu", kFail,
     "{part}: stress-ng --cpu-method {method} computed wrong results: {details}",
     "run the stage again; if it repeats, check the CPU's voltage settings in the firmware setup, "
     "then replace the CPU"},
    {"KILN-CPU-FREQUENCY-LOW", "cpu", "cpu", kFail,
     "{part}: the frequency under load fell to {low} MHz (mean of all CPUs); the tender requires "
     "at least {required} MHz",
     "check the firmware setup's power profile, the power supplies and the cooling", kFixedOnSite},
    {"KILN-CPU-THERMAL-THROTTLING", "cpu", "cpu", kFail,
     "{part}: thermal throttling above the tender's {allowed} events: {over}",
     "check the heatsink's mounting, the thermal paste and the fans", kFixedOnSite},
    {"KILN-BMC-SENSOR-CRITICAL", "cpu", "sensor", kFail,
     "{part} crossed its critical threshold under load: reading {reading}, status {status}",
     "inspect the part the sensor watches (a fan at 0 RPM is dead; a hot CPU or DIMM: airflow and "
     "heatsink)"},
    {"KILN-SEL-CRITICAL-EVENT", "cpu", "sel", kFail,
     "the BMC logged a critical event during the stage: {sensor}: {event} ({direction}, {when})",
     "inspect the part the event names (`ipmitool sel elist` on the node shows the whole log)"},
    // memtest: kiln's pattern engine
    {"KILN-MEMTEST-MISMATCH", "memtest", "dimm", kFail,
     "{part}: the word at virtual {virtual} (physical {physical}) read {actual} instead of "
     "{expected} (bits {bits}) {times}, first in pattern {pattern}",
     "replace the DIMM"},
    {"KILN-MEMTEST-MISMATCHES-NOT-ITEMISED", "memtest", "memory", kFail,
     "{part}: {mismatches} in total at {addresses} ({more} not itemised)",
     "replace the DIMMs the itemised mismatches name, then run the stage again"},
    // benchmark
    {"KILN-BENCH-WRONG-RESULT", "benchmark", "cpu", kFail,
     "{part} computed a wrong result in {wrong} of workload {workload} (first checksum "
     "{checksum}, expected {expected})",
     "run the stage again; if it repeats, replace the CPU"},
    {"KILN-BENCH-BELOW-TENDER", "benchmark", "cpu", kFail,
     "{part}: the benchmark scored {score}; the tender requires at least {required}",
     "check the firmware setup's power and turbo settings, the memory population and the cooling",
     kFixedOnSite},
    {"KILN-BENCH-COPY-SPREAD", "benchmark", "cpu", kFail,
     "{part}: per-copy scores vary by {cv} % (slowest copy {slowest}, fastest {fastest}); the "
     "tender allows {allowed} %",
     "look for a slow or throttling core: check the cooling and the firmware setup's power "
     "settings",
     kFixedOnSite},
    // disk-perf
    {"KILN-DISK-PERF-BELOW-TENDER", "disk-perf", "disk", kFail,
     "{part}: fio {job} ({rw} {bs}, queue depth {depth}) measured {figures}; the tender requires "
     "{required}",
     "check the disk's model and firmware, its link (PCIe/SATA) speed and the controller's write "
     "cache"},
    // disk-wipe
    {"KILN-WIPE-HIDDEN-AREA-KEPT", "disk-wipe", "disk", kFail,
     "{part}: a hidden area (HPA/DCO) could not be removed: {actions}",
     "remove it by hand (hdparm) and wipe again, or destroy the disk physically"},
    {"KILN-WIPE-SANITIZE-FAILED", "disk-wipe", "disk", kFail,
     "{part}: the controller reports the sanitize failed ({state})",
     "`nvme sanitize DEVICE --sanact=1` exits the failure mode; wipe again, and destroy the drive "
     "if it fails again"},
    {"KILN-WIPE-IO-ERROR", "disk-wipe", "disk", kFail,
     "{part}: {error}: the disk could not be wiped completely",
     "destroy the disk physically (it keeps data kiln cannot reach)"},
    {"KILN-WIPE-VERIFY-MISMATCH", "disk-wipe", "disk", kFail,
     "{part}: read-back after the wipe: {what}",
     "wipe again; if it persists, destroy the disk physically"},
    // bmc-reset (decommission)
    {"KILN-BMC-RESET-NOT-APPLIED", "bmc-reset", "bmc", kFail,
     "{part}: {action}: expected {expected}, read back {read_back}{note}",
     "apply it with the vendor's tool, or reset the BMC to factory defaults by hand", kFixedOnSite},
    // network
    {"KILN-NIC-THROUGHPUT-LOW", "network", "nic", kFail,
     "{part}: {test} {direction} {partner} at {gbps} Gbit/s; the tender requires {required}",
     kCheckLink},
    {"KILN-NIC-UDP-LOSS", "network", "nic", kFail,
     "{part}: {test} with {partner} lost {value} % of its datagrams; the tender allows "
     "{required}",
     kCheckLink},
    {"KILN-NIC-UDP-JITTER", "network", "nic", kFail,
     "{part}: {test} with {partner}: jitter {value} ms; the tender allows {required}", kCheckLink},
    // the run: the node rebooted under load (docs/reboots.md)
    {"KILN-RUN-UNEXPECTED-REBOOT", "", "node", kFail,
     "the node reset during the {stage} stage at {progress}, {elapsed} into the stage (last "
     "heard from {last_heard}); {evidence}",
     "replace the part the evidence names (the DIMM of an uncorrectable ECC event, the PSU of a "
     "power event, the CPU of a machine check) and run the burn-in again; with no evidence, check "
     "the power feeds and the BMC's event log by hand"},
    // an Ironic step the node reset in: the next boot's agent fails it (docs/reboots.md)
    {"KILN-STEP-UNEXPECTED-REBOOT", "", "node", kFail,
     "the node reset during Ironic's {step} (last heartbeat of the earlier boot {last_heard}); "
     "{evidence}",
     "replace the part the evidence names (the DIMM of an uncorrectable ECC event, the PSU of a "
     "power event, the CPU of a machine check) and run the cleaning again; with no evidence, "
     "check the power feeds and the BMC's event log by hand"},
    // the report: a measurement outside its tender limit that no diagnosis explains
    {"KILN-LIMIT-NOT-MET", "", "node", kFail,
     "{where}: {measurement} = {value}; the tender requires {required}",
     "see what the stage measures in docs/stages.md and check the part it names"},
};

const std::size_t kFailureCodeCount = std::size(kFailureCodes);

}  // namespace kiln::catalog::tables

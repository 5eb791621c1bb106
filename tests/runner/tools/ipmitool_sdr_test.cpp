#include "tools/ipmitool_sdr.hpp"

#include <gtest/gtest.h>

#include "runner/tools/tool_test_data.hpp"

namespace kiln::tools {
namespace {

using testing::data_file;

const SensorReading* find(const std::vector<SensorReading>& v, std::string_view name) {
  for (const auto& s : v) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const SensorThresholdReading* find(const std::vector<SensorThresholdReading>& v,
                                   std::string_view name) {
  for (const auto& s : v) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(IpmitoolSdrArgv, ElistListAndSensor) {
  EXPECT_EQ(ipmitool_sdr_argv(), (std::vector<std::string>{"ipmitool", "sdr", "elist"}));
  EXPECT_EQ(ipmitool_sdr_argv(std::nullopt, false),
            (std::vector<std::string>{"ipmitool", "sdr", "list"}));
  EXPECT_EQ(ipmitool_sensor_argv(), (std::vector<std::string>{"ipmitool", "sensor"}));
}

TEST(IpmitoolSdr, DellR320DeadFansAreCritical) {
  auto sdr =
      parse_ipmitool_sdr(data_file("ipmitool-sdr", "dell-r320-sdr-list-full-two-dead-fans-cr.txt"));
  ASSERT_TRUE(sdr.ok()) << sdr.error().message;
  EXPECT_EQ(sdr->size(), 17U);
  std::vector<std::string> critical;
  for (const auto& s : *sdr) {
    if (crossed_critical(s)) critical.push_back(s.name);
  }
  EXPECT_EQ(critical, (std::vector<std::string>{"Fan3B", "Fan4B"}));
  const auto* fan = find(*sdr, "Fan3B");
  ASSERT_NE(fan, nullptr);
  EXPECT_EQ(fan->status, "cr");
  EXPECT_EQ(fan->value, 0.0);
  EXPECT_EQ(fan->unit, "RPM");
  const auto* amps = find(*sdr, "Current 1");
  ASSERT_NE(amps, nullptr);
  EXPECT_DOUBLE_EQ(amps->value.value_or(-1), 0.40);
  EXPECT_EQ(amps->unit, "Amps");
  EXPECT_EQ(find(*sdr, "Inlet Temp")->unit, "degrees C");
}

TEST(IpmitoolSdr, HpElistWithDescriptionsAndWideEntityIds) {
  auto sdr = parse_ipmitool_sdr(data_file(
      "ipmitool-sdr", "hp-proliant-dl360-ilo-elist-full-psu-failure-memory-ce-limit.txt"));
  ASSERT_TRUE(sdr.ok()) << sdr.error().message;
  const auto* psu = find(*sdr, "Power Supply 1");
  ASSERT_NE(psu, nullptr);
  EXPECT_EQ(psu->id, "06h");
  EXPECT_EQ(psu->entity, "10.1");
  EXPECT_EQ(psu->status, "ok");  // the BMC says ok although the text says "Failure detected"
  EXPECT_NE(psu->reading.find("Failure detected"), std::string::npos);
  EXPECT_EQ(psu->value, 0.0);
  EXPECT_EQ(psu->unit, "Watts");
  const auto* t17 = find(*sdr, "Temp 17");
  ASSERT_NE(t17, nullptr);
  EXPECT_EQ(t17->entity, "8.10");
  EXPECT_EQ(t17->value, 30.0);
  const auto* t4 = find(*sdr, "Temp 4");
  EXPECT_EQ(t4->status, "ns");
  EXPECT_FALSE(t4->value.has_value());
  const auto* mem = find(*sdr, "Memory");
  EXPECT_FALSE(mem->value.has_value());
  EXPECT_NE(mem->reading.find("Correctable ECC logging limit reached"), std::string::npos);
}

TEST(IpmitoolSdr, CsvWithProbeNoiseAndPercentUnits) {
  auto sdr = parse_ipmitool_sdr(
      data_file("ipmitool-sdr", "quanta-csv-sdr-with-picmg-probe-noise-and-percent-degrees.txt"));
  ASSERT_TRUE(sdr.ok()) << sdr.error().message;
  EXPECT_EQ(sdr->size(), 95U);  // 98 lines less 3 lines of PICMG chatter
  const auto* cpu = find(*sdr, "Temp_CPU0");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->value, 35.0);
  EXPECT_EQ(cpu->unit, "degrees C");  // "% degrees C" in the output
  EXPECT_EQ(cpu->entity, "65.1");
  const auto* hdd = find(*sdr, "HDD6");
  EXPECT_EQ(hdd->status, "ns");
  EXPECT_EQ(hdd->id, "4Bh");
  const auto* nvme = find(*sdr, "NVMeSSD_0");
  EXPECT_EQ(nvme->status, "ns");
  EXPECT_FALSE(nvme->value.has_value());
  EXPECT_EQ(find(*sdr, "Airflow")->unit, "CFM");
}

TEST(IpmitoolSdr, SupermicroDiscreteAndNegativeReadings) {
  auto sdr = parse_ipmitool_sdr(
      data_file("ipmitool-sdr", "supermicro-x9-sdr-discrete-cpu-temp-negative-volts.txt"));
  ASSERT_TRUE(sdr.ok());
  EXPECT_FALSE(find(*sdr, "CPU Temp")->value.has_value());  // "0x08": discrete
  EXPECT_DOUBLE_EQ(find(*sdr, "-12V")->value.value_or(0), -12.29);
  EXPECT_EQ(find(*sdr, "FAN 1")->status, "ns");
  EXPECT_FALSE(find(*sdr, "FAN 1")->value.has_value());
}

TEST(IpmitoolSdr, VerboseRecordsMapStatusWords) {
  auto sdr = parse_ipmitool_sdr(data_file("ipmitool-sdr", "rackhd-sdr-v-verbose-1680-lines.txt"));
  ASSERT_TRUE(sdr.ok());
  const auto* cpu = find(*sdr, "Temp_CPU0");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->id, "0xaa");
  EXPECT_EQ(cpu->entity, "65.1");
  EXPECT_EQ(cpu->value, 34.0);
  EXPECT_EQ(cpu->unit, "degrees C");
  const auto* dimm = find(*sdr, "Temp_DIMM_CD");
  ASSERT_NE(dimm, nullptr);
  EXPECT_EQ(dimm->status, "cr");  // "Upper Critical"
  EXPECT_TRUE(crossed_critical(*dimm));
}

TEST(IpmitoolSdr, EmptyAndGarbage) {
  for (std::string_view text : {"", "\n", "Error: Unable to establish IPMI v2 / RMCP+ session\n"}) {
    auto sdr = parse_ipmitool_sdr(text);
    ASSERT_FALSE(sdr.ok());
    EXPECT_EQ(sdr.error().code, "KILN-PARSE-IPMITOOL-SDR");
  }
}

TEST(IpmitoolSensor, SupermicroThresholds) {
  auto rows = parse_ipmitool_sensor(
      data_file("ipmitool-sensor", "supermicro-x11-sensor-ok-thresholds.txt"));
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  const auto* sys = find(*rows, "System Temp");
  ASSERT_NE(sys, nullptr);
  EXPECT_EQ(sys->value, 32.0);
  EXPECT_EQ(sys->lnr, -10.0);
  EXPECT_EQ(sys->lcr, -5.0);
  EXPECT_EQ(sys->unc, 80.0);
  EXPECT_EQ(sys->ucr, 85.0);
  EXPECT_EQ(sys->unr, 90.0);
  const auto* fan5 = find(*rows, "FAN5");
  EXPECT_FALSE(fan5->value.has_value());
  EXPECT_FALSE(fan5->ucr.has_value());
  for (const auto& r : *rows) EXPECT_FALSE(crossed_critical(r)) << r.name;
}

TEST(IpmitoolSensor, HpeDiscreteAndAbsent) {
  auto rows = parse_ipmitool_sensor(
      data_file("ipmitool-sensor", "hpe-proliant-gen10-ilo5-sensor-discrete-and-na.txt"));
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 141U);
  const auto* uid = find(*rows, "UID");
  EXPECT_EQ(uid->unit, "discrete");
  EXPECT_EQ(uid->status, "0x0180");
  EXPECT_FALSE(uid->value.has_value());
  const auto* cpu2 = find(*rows, "03-CPU 2");
  EXPECT_EQ(cpu2->status, "na");
  EXPECT_EQ(cpu2->ucr, 70.0);
  EXPECT_FALSE(crossed_critical(*cpu2));
}

TEST(IpmitoolSensor, NonRecoverableAndThresholdCrossing) {
  auto rows = parse_ipmitool_sensor(
      data_file("ipmitool-sensor", "CURATED-mixed-servers-nc-nr-states-sorted.txt"));
  ASSERT_TRUE(rows.ok());
  const auto* fan1 = find(*rows, "FAN1");
  EXPECT_EQ(fan1->status, "nr");
  EXPECT_TRUE(crossed_critical(*fan1));
  const auto* fan_nc = find(*rows, "FAN 1");
  EXPECT_EQ(fan_nc->status, "nc");
  EXPECT_FALSE(crossed_critical(*fan_nc));  // 600 RPM: at lnc, above lcr 450

  SensorThresholdReading hot;
  hot.status = "ok";  // some BMCs lag: the value alone crosses ucr
  hot.value = 101.0;
  hot.ucr = 100.0;
  EXPECT_TRUE(crossed_critical(hot));
  hot.value = 99.0;
  EXPECT_FALSE(crossed_critical(hot));
}

TEST(IpmitoolSensor, EmptyIsError) {
  EXPECT_FALSE(parse_ipmitool_sensor("").ok());
  EXPECT_FALSE(parse_ipmitool_sensor("no table here\n").ok());
}

}  // namespace
}  // namespace kiln::tools

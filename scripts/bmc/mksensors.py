#!/usr/bin/python3
"""Print ipmi_sim commands for the simulated BMC's sensors: one CPU
temperature and two fans, each with a full sensor record (IPMI 2.0 SDR type
01h) and thresholds, so `ipmitool sdr elist` reads them like a server's.

usage: mksensors.py [--dead-fan] [--hot-cpu]
  --dead-fan  FAN2 reads 0 RPM, below its lower critical threshold
  --hot-cpu   CPU Temp reads 95 degrees C, above its upper critical threshold
"""
import argparse

MC = 0x20


def full_sensor_record(record_id, number, entity, instance, sensor_type, unit, m, thresholds,
                       upper, nominal, name):
    """thresholds: raw (unr, ucr, unc, lnr, lcr, lnc); upper: thresholds are upper ones."""
    unr, ucr, unc, lnr, lcr, lnc = thresholds
    if upper:
        assert_ls, assert_ms, deassert_ls, deassert_ms, readable = 0xC0, 0x0F, 0xC0, 0x7F, 0x38
    else:
        assert_ls, assert_ms, deassert_ls, deassert_ms, readable = 0x15, 0x70, 0x15, 0x00, 0x07
    body = [
        MC, 0x00, number, entity, instance,
        0x67, 0x88,                      # initialization, capabilities (thresholds readable/settable)
        sensor_type, 0x01,               # sensor type, event/reading type: threshold
        assert_ls, assert_ms, deassert_ls, deassert_ms, readable, readable,
        0x00, unit, 0x00, 0x00,          # unsigned, base unit, no modifier, linear
        m & 0xFF, 0x00, 0x00, 0x00,      # M, B = 0
        0x00, 0x00, 0x01,                # accuracy, exponents, nominal reading specified
        nominal, 0xFF, 0x00, 0xFF, 0x00,  # nominal, normal max/min, sensor max/min
        unr, ucr, unc, lnr, lcr, lnc,
        0x00, 0x00, 0x00, 0x00, 0x00,    # hysteresis, reserved, OEM
    ]
    text = name.encode("ascii")
    body += [0xC0 | len(text)] + list(text)
    header = [record_id & 0xFF, record_id >> 8, 0x51, 0x01, len(body)]
    return " ".join(f"0x{b:02x}" for b in header + body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dead-fan", action="store_true")
    p.add_argument("--hot-cpu", action="store_true")
    a = p.parse_args()
    temp_c = 95 if a.hot_cpu else 45
    fan2_raw = 0 if a.dead_fan else 104
    sensors = [
        # number, entity, instance, type, unit, M, thresholds(unr,ucr,unc,lnr,lcr,lnc), upper, value, name
        (1, 0x03, 1, 0x01, 0x01, 1, (100, 90, 80, 0, 0, 0), True, temp_c, "CPU Temp"),
        (2, 0x1D, 1, 0x04, 0x12, 50, (0, 0, 0, 4, 8, 12), False, 100, "FAN1"),
        (3, 0x1D, 2, 0x04, 0x12, 50, (0, 0, 0, 4, 8, 12), False, fan2_raw, "FAN2"),
    ]
    for i, (num, ent, inst, stype, unit, m, th, upper, value, name) in enumerate(sensors):
        unr, ucr, unc, lnr, lcr, lnc = th
        enabled = "111000" if upper else "000111"
        print(f"sensor_add 0x{MC:02x} 0 {num} 0x{stype:02x} 0x01")
        print(f"sensor_set_threshold 0x{MC:02x} 0 {num} settable {enabled} "
              f"{unr} {ucr} {unc} {lnr} {lcr} {lnc}")
        events = "000111111000000" if upper else "000000000111111"
        print(f"sensor_set_event_support 0x{MC:02x} 0 {num} enable scanning per-state "
              f"{events} {events} {events} {events}")
        print(f"sensor_set_value 0x{MC:02x} 0 {num} {value} 0")
        print(f"main_sdr_add 0x{MC:02x} " + full_sensor_record(i, num, ent, inst, stype, unit, m, th, upper,
                                                                value if upper else 100, name))
    print(f"mc_enable 0x{MC:02x}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes an SMBIOS 3.0 table dump in the layout `dmidecode --dump-bin` writes (the 24-byte
_SM3_ entry point, the structure table at offset 32) for `dmidecode --from-dump FILE`: the real
dmidecode then decodes it as it would a server's firmware tables. Structures: BIOS (type 0),
System (1), Memory Device (17) per DIMM, End of Table (127).

  smbios_dump.py OUT --bios-vendor V --bios-version X --bios-date MM/DD/YYYY
                 --system-serial S [--dimm LOCATOR:SIZE_MB:RATED_MTS:CONFIGURED_MTS:PART:SERIAL]...
"""
import argparse
import struct


def structure(stype, handle, formatted, strings):
    """One structure: header (type, length, handle), the formatted area, the string set."""
    body = struct.pack("<BBH", stype, 4 + len(formatted), handle) + formatted
    if strings:
        body += b"".join(s.encode() + b"\0" for s in strings) + b"\0"
    else:
        body += b"\0\0"
    return body


def bios(handle, vendor, version, date):
    # Vendor(1) Version(2) segment 0xF000, Date(3), ROM size 64K*(n+1), characteristics,
    # extension bytes, BIOS major.minor, EC 0xFF.0xFF (none), extended ROM size.
    formatted = struct.pack("<BBHBBQBBBBBBH", 1, 2, 0xF000, 3, 0xFF, 1 << 7 | 1 << 11, 0x01, 0x0C,
                            2, 17, 0xFF, 0xFF, 0x10)
    return structure(0, handle, formatted, [vendor, version, date])


def system(handle, serial):
    uuid = bytes(range(16))
    formatted = struct.pack("<BBBB16sBBB", 1, 2, 3, 4, uuid, 6, 5, 6)
    return structure(1, handle, formatted, ["kiln test rig", "KILN-DELIVERY-NODE", "1.0", serial,
                                            "SKU-1", "kiln"])


def dimm(handle, locator, size_mb, rated, configured, part, serial):
    # SMBIOS 2.8 layout (0x28 bytes): array handle, error handle, widths, size (MB), form factor
    # DIMM (9), set, Locator(1), Bank(2), type DDR4 (0x1A), detail (synchronous, registered),
    # speed, Manufacturer(3), Serial(4), Asset(5), Part(6), rank 2, extended size, configured
    # speed, voltages 1.2 V.
    size, extended = (size_mb, 0) if size_mb < 0x7FFF else (0x7FFF, size_mb)
    formatted = struct.pack("<HHHHHBBBBBHHBBBBBIHHHH", 0x1000, 0xFFFE, 72, 64, size, 0x09, 0,
                            1, 2, 0x1A, 0x2080, rated, 3, 4, 5, 6, 2, extended, configured, 1200,
                            1200, 1200)
    return structure(17, handle, formatted, [locator, "P0_Node0_Channel0_Dimm0", "Samsung", serial,
                                             "Not Specified", part])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--bios-vendor", required=True)
    p.add_argument("--bios-version", required=True)
    p.add_argument("--bios-date", required=True)
    p.add_argument("--system-serial", required=True)
    p.add_argument("--dimm", action="append", default=[])
    a = p.parse_args()
    table = bios(0x0000, a.bios_vendor, a.bios_version, a.bios_date)
    table += system(0x0100, a.system_serial)
    for i, spec in enumerate(a.dimm):
        locator, size, rated, configured, part, serial = spec.split(":")
        table += dimm(0x1100 + i, locator, int(size), int(rated), int(configured), part, serial)
    table += structure(127, 0xFEFF, b"", [])
    entry = bytearray(b"_SM3_" + struct.pack("<BBBBBBBIQ", 0, 0x18, 3, 0, 0, 1, 0, len(table), 32))
    entry[5] = (-sum(entry)) & 0xFF  # the checksum makes the entry point's bytes sum to 0
    with open(a.out, "wb") as f:
        f.write(bytes(entry).ljust(32, b"\0") + table)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Write an IPMI FRU Information Storage v1.0 image (common header, chassis,
board and product areas) for the simulated BMC of kiln's tests and demo.

usage: mkfru.py OUT --serial SN --asset TAG [--product NAME] [--mfg NAME]
An empty --asset writes an empty Product Asset Tag (the "no asset tag" case).
"""
import argparse


def field(text):
    data = text.encode("latin-1")
    if len(data) > 63:
        raise SystemExit(f"mkfru.py: field longer than 63 bytes: {text!r}")
    return bytes([0xC0 | len(data)]) + data  # type 11b = 8-bit ASCII/Latin-1


def area(header, fields):
    """header bytes (version, length placeholder, ...), fields, end marker, padding, checksum."""
    body = bytearray(header) + b"".join(field(f) for f in fields) + b"\xC1"
    size = (len(body) + 1 + 7) // 8 * 8
    body += bytes(size - 1 - len(body))
    body[1] = size // 8
    body.append((-sum(body)) & 0xFF)
    return bytes(body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--serial", required=True)
    p.add_argument("--asset", required=True)
    p.add_argument("--product", default="Kiln Demo Server")
    p.add_argument("--mfg", default="Example Corp")
    p.add_argument("--size", type=int, default=512)
    a = p.parse_args()
    chassis = area([0x01, 0, 0x17], ["CPN-100", a.serial])
    board = area([0x01, 0, 0x00, 0, 0, 0], [a.mfg, "Mainboard X1", "B" + a.serial, "BPN-100", ""])
    product = area([0x01, 0, 0x00], [a.mfg, a.product, "PN-100", "1.0", a.serial, a.asset, ""])
    offset = 1  # in units of 8 bytes, after the common header
    header = bytearray([0x01, 0, offset, offset + len(chassis) // 8,
                        offset + (len(chassis) + len(board)) // 8, 0, 0])
    header.append((-sum(header)) & 0xFF)
    image = bytes(header) + chassis + board + product
    image += bytes(max(0, a.size - len(image)))
    with open(a.out, "wb") as f:
        f.write(image)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Validate every line of an OCPTV JSONL stream against OCP's JSON schemas.

usage: validate_ocptv.py STREAM.jsonl SCHEMA_DIR

Exits 0 when every line validates and the stream is well-formed (sequence
numbers 0..n-1 in order, schemaVersion first, testRunStart second, testRunEnd
last, every step started is ended, every hardwareInfoId a measurement or
diagnosis names declared in the dutInfo), 1 with the first problem otherwise, and
77 (skip) when SCHEMA_DIR does not exist.
"""
import json
import pathlib
import sys

import jsonschema


def main():
    stream, schema_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    if not schema_dir.is_dir():
        print(f"SKIP: OCP schema folder {schema_dir} not present (../shared absent); "
              "OCPTV validation skipped")
        return 77
    store = {}
    for f in schema_dir.glob("*.json"):
        schema = json.loads(f.read_text())
        store[schema["$id"]] = schema
    root = store["https://github.com/opencomputeproject/ocp-diag-core/output"]
    resolver = jsonschema.RefResolver.from_schema(root, store=store)
    validator = jsonschema.Draft202012Validator(root, resolver=resolver)
    lines = stream.read_text().splitlines()
    if not lines:
        print(f"{stream}: empty stream")
        return 1
    open_steps = set()
    declared_hardware = set()
    for i, line in enumerate(lines):
        try:
            artifact = json.loads(line)
        except json.JSONDecodeError as e:
            print(f"{stream}:{i + 1}: not JSON: {e}")
            return 1
        errors = sorted(validator.iter_errors(artifact), key=lambda e: e.path)
        if errors:
            print(f"{stream}:{i + 1}: {errors[0].message} at {list(errors[0].absolute_path)}")
            return 1
        if artifact["sequenceNumber"] != i:
            print(f"{stream}:{i + 1}: sequenceNumber {artifact['sequenceNumber']}, expected {i}")
            return 1
        start = artifact.get("testRunArtifact", {}).get("testRunStart")
        if start:
            declared_hardware |= {h["hardwareInfoId"]
                                  for h in start.get("dutInfo", {}).get("hardwareInfos", [])}
        step = artifact.get("testStepArtifact")
        for kind in ("measurement", "diagnosis"):
            ref = (step or {}).get(kind, {}).get("hardwareInfoId")
            if ref is not None and ref not in declared_hardware:
                print(f"{stream}:{i + 1}: {kind} names hardwareInfoId {ref!r}, which the "
                      "dutInfo does not declare")
                return 1
        if step:
            if "testStepStart" in step:
                open_steps.add(step["testStepId"])
            elif "testStepEnd" in step:
                open_steps.discard(step["testStepId"])
            elif step["testStepId"] not in open_steps:
                print(f"{stream}:{i + 1}: artifact for step {step['testStepId']} outside start/end")
                return 1
    if "schemaVersion" not in json.loads(lines[0]):
        print(f"{stream}:1: the stream must start with schemaVersion")
        return 1
    if "testRunStart" not in json.loads(lines[1]).get("testRunArtifact", {}):
        print(f"{stream}:2: the second artifact must be testRunStart")
        return 1
    if "testRunEnd" not in json.loads(lines[-1]).get("testRunArtifact", {}):
        print(f"{stream}:{len(lines)}: the stream must end with testRunEnd")
        return 1
    if open_steps:
        print(f"{stream}: steps never ended: {sorted(open_steps)}")
        return 1
    print(f"{stream}: {len(lines)} artifacts valid against OCP Test & Validation v2.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Validate JSON (or YAML) documents against one of kiln's JSON Schemas.

usage: validate_json.py SCHEMA FILE...   (FILE may be .json, .yaml or .yml)
"""
import json
import pathlib
import sys

import jsonschema
import yaml


def load(path):
    text = pathlib.Path(path).read_text()
    return yaml.safe_load(text) if path.endswith((".yaml", ".yml")) else json.loads(text)


def main():
    schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failed = 0
    for path in sys.argv[2:]:
        errors = sorted(validator.iter_errors(load(path)), key=lambda e: list(e.path))
        for e in errors[:5]:
            print(f"{path}: {e.message} at {'/'.join(str(p) for p in e.absolute_path)}")
        failed += bool(errors)
    print(f"{len(sys.argv) - 2 - failed} of {len(sys.argv) - 2} documents valid against {sys.argv[1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

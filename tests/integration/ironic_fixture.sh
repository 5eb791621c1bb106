#!/usr/bin/env bash
# ironic_fixture.sh start DIR | stop DIR: the tests' Ironic, started by the one
# script `make demo` uses too (scripts/ironic.sh).
exec "$(cd "$(dirname "$0")/../.." && pwd)/scripts/ironic.sh" "$@"

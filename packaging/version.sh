#!/bin/sh
# The Debian version of this checkout, from git describe:
#   tag v1.2.0 on HEAD        -> 1.2.0
#   12 commits after v1.2.0   -> 1.2.0+12.gabc1234
#   no tag yet                -> BASE~git<commits>.g<hash>  (BASE: the project() version,
#                                sorts before BASE itself, grows with every commit)
#   uncommitted changes       -> ...+dirty
# Usage: version.sh BASE-VERSION
set -eu
base=${1:?usage: version.sh BASE-VERSION}
cd "$(dirname "$0")/.."
if ! git rev-parse --git-dir >/dev/null 2>&1; then echo "$base"; exit 0; fi
dirty=""
git diff --quiet HEAD -- 2>/dev/null || dirty="+dirty"
if described=$(git describe --tags --match 'v[0-9]*' --long 2>/dev/null); then
  # v1.2.0-12-gabc1234
  hash=${described##*-}; rest=${described%-*}; count=${rest##*-}; tag=${rest%-*}
  version=${tag#v}
  [ "$count" = 0 ] || version="$version+$count.$hash"
else
  version="$base~git$(git rev-list --count HEAD).g$(git rev-parse --short=7 HEAD)"
fi
echo "$version$dirty"

#!/usr/bin/env bash
# Install Gatekeeper from the action's own folder into a virtual environment kept in the
# runner's tool cache, keyed by a digest of the source: a second run of the same version
# reuses it and needs no network.
set -euo pipefail

source_dir="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
python="$(command -v python3 || true)"
if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "::error title=GK999::Gatekeeper needs Python 3.11 or newer as python3 on the runner"
  exit 1
fi

digest="$(cd "$source_dir" && find pyproject.toml gatekeeper schemas -type f \
  -not -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum \
  | sha256sum | cut -c1-16)"
py_tag="$("$python" -c 'import sys; print(f"py{sys.version_info[0]}{sys.version_info[1]}")')"
cache_root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/gatekeeper"
venv="$cache_root/$py_tag-$digest"

if [ -f "$venv/.complete" ]; then
  echo "Reusing $venv"
else
  mkdir -p "$cache_root"
  rm -rf "$venv"  # an interrupted install left no .complete marker
  staging="$(mktemp -d "$cache_root/.staging.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  "$python" -m venv "$staging/venv"
  "$staging/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input "$source_dir"
  touch "$staging/venv/.complete"
  # Another job may have finished first; either copy is complete.
  mv -T "$staging/venv" "$venv" 2>/dev/null || true
  echo "Installed into $venv"
fi
echo "python=$venv/bin/python" >> "$GITHUB_OUTPUT"

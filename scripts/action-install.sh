#!/usr/bin/env bash
# Install the exact dependencies of requirements-action.lock (what `gatekeeper action`
# imports: no PyGithub, cryptography, cffi or pynacl), with hash checking, into a fresh
# folder of this job's own RUNNER_TEMP, copy Gatekeeper's own sources beside them, and
# print how to run it from there (no build of Gatekeeper, no virtual environment).
#
# Where the files come from: uv reads the package index (PyPI, or the index the runner
# sets in UV_ variables: uv's configuration files are not read); its twelve pages cost it
# little. pip is given each wheel's own URL on PyPI's file host with its sha256
# (requirements-action.urls, one wheel a package chosen for this interpreter by
# scripts/action-wheels.py), so that it reads no index page: the twelve projects' pages
# list over 8,000 files, which pip checks one by one, most of its install time. When the
# runner configures where pip finds packages (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
# PIP_FIND_LINKS, PIP_NO_INDEX, or those keys in any pip configuration file), or the list
# has no wheel for this interpreter, pip installs requirements-action.lock from the index
# instead, as configured. Both ways install the lock's exact versions, every file checked
# against the lock's sha256 (the list holds exactly the lock's hashes: lock.py --check).
#
# Trust: nothing another job may have left on the runner is run. The folder is new for
# every run, in the job's temporary directory (emptied by the runner between jobs); the
# tool cache is never read; uv gets a cache of its own inside that folder (uv's shared
# cache holds unpacked files whose hashes it does not check again); pip may use its shared
# HTTP cache, since pip hashes every file it installs, cached or not, against the lock.
# Gatekeeper's sources are copied from the action's checkout without any __pycache__ (a
# planted .pyc there is never copied, so never read); their bytecode and the dependencies'
# is written beside them, inside the new folder. The interpreter's own standard library
# keeps its own bytecode: it belongs to the interpreter the action runs anyway, as much as
# the library's sources and compiled extensions do. Gatekeeper then runs with
# `python -S -P`: no site-packages (no .pth file of the runner's is run) and no current
# directory on sys.path.
#
# Outputs (GITHUB_OUTPUT): python, pythonpath, pycache-prefix (empty: bytecode beside the
# copied sources), installer.
set -euo pipefail

action_dir="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
lock="$action_dir/requirements-action.lock"
urls="$action_dir/requirements-action.urls"
temp_root="${RUNNER_TEMP:?RUNNER_TEMP is not set}"

fail() {
  echo "::error title=GK999::$*"
  exit 1
}

[ -f "$lock" ] || fail "the action's requirements-action.lock is missing"

python="${GATEKEEPER_INSTALL_PYTHON:-$(command -v python3 || true)}"
if [ -z "$python" ] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  fail "Gatekeeper needs Python 3.11 or newer as python3 on the runner"
fi

mkdir -p "$temp_root"
env_dir="$(mktemp -d "$temp_root/gatekeeper-env.XXXXXX")"
site="$env_dir/site"
source_dir="$env_dir/src"
# Bytecode is written beside the sources in this folder (never a prefix: with one, Python
# would compile the standard library again on every run, about 0.2 s).
unset PYTHONPYCACHEPREFIX PYTHONDONTWRITEBYTECODE
mkdir -p "$source_dir"
(cd "$action_dir" && tar --exclude=__pycache__ -cf - gatekeeper schemas) \
  | tar -xf - -C "$source_dir" || fail "copying Gatekeeper's sources failed"
# Gatekeeper's own modules compile while the dependencies download; the dependencies'
# compile as they are first imported (only what the gate imports; on two cores that is no
# slower than compiling every file ahead).
"$python" -S -P -m compileall -q "$source_dir/gatekeeper" >/dev/null &
compile_own=$!

uv="${GATEKEEPER_INSTALL_UV-$(command -v uv || true)}"
if [ -n "$uv" ]; then
  installer=uv
  # --no-build: wheels only, nothing is built (so no build backend runs) on the runner.
  # Hard links from uv's own cache in this folder (removed below; about 0.05 s less than
  # copying): no file of site/ is shared with anything outside the folder.
  if ! UV_NO_CONFIG=1 UV_CACHE_DIR="$env_dir/uv-cache" UV_PYTHON_DOWNLOADS=never \
      "$uv" pip install --quiet --target "$site" --python "$python" \
      --require-hashes --no-deps --no-build --link-mode hardlink -r "$lock"; then
    fail "installing requirements-action.lock with uv failed (hash mismatch or no network?)"
  fi
  rm -rf "$env_dir/uv-cache"
else
  installer=pip
  # --no-compile: the gate compiles what it imports, a third of the files.
  pip_install=("$python" -m pip install --quiet --disable-pip-version-check --no-input
               --no-warn-script-location --no-compile --target "$site"
               --require-hashes --no-deps --only-binary=:all:)
  direct="$env_dir/requirements-direct.txt"
  if [ -f "$urls" ] && "$python" -I -S "$action_dir/scripts/action-wheels.py" "$urls" "$direct"; then
    origin="direct"
    if ! "${pip_install[@]}" --no-index -r "$direct"; then
      fail "installing requirements-action.lock with pip from requirements-action.urls failed (hash mismatch or no network?)"
    fi
  else
    origin="index"
    if ! "${pip_install[@]}" -r "$lock"; then
      fail "installing requirements-action.lock with pip failed (hash mismatch or no network?)"
    fi
  fi
  installer="pip ($origin)"
fi

wait "$compile_own" || fail "compiling Gatekeeper's own modules failed"

{
  echo "python=$python"
  echo "pythonpath=$source_dir:$site"
  echo "pycache-prefix="
  echo "installer=${installer%% *}"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
echo "Installed requirements-action.lock with $installer into $site"

#!/usr/bin/env bash
# Install the exact dependencies of requirements-action.lock (what `gatekeeper action`
# imports: no PyGithub, cryptography, cffi or pynacl), with hash checking, into a fresh
# folder of this job's own RUNNER_TEMP, and print how to run Gatekeeper from the action's
# own checkout (no build of Gatekeeper, no virtual environment).
#
# Trust: nothing another job may have left on the runner is run. The folder is new for
# every run, in the job's temporary directory (emptied by the runner between jobs); the
# tool cache is never read; uv gets a cache of its own inside that folder (uv's shared
# cache holds unpacked files whose hashes it does not check again); pip may use its shared
# HTTP cache, since pip hashes every file it installs, cached or not, against the lock.
# Compiled bytecode goes to a prefix inside the folder, so a __pycache__ planted next to
# the sources is never read. Gatekeeper then runs with `python -S -P`: no site-packages
# (no .pth file of the runner's is run) and no current directory on sys.path.
#
# Outputs (GITHUB_OUTPUT): python, pythonpath, pycache-prefix, installer.
set -euo pipefail

action_dir="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
lock="$action_dir/requirements-action.lock"
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
# Bytecode is written to and read from this prefix only (Python then ignores every
# __pycache__ beside the sources). Gatekeeper's own modules compile while the dependencies
# download; the dependencies' compile as they are first imported (all of them are, and on
# two cores that is no slower than compiling them all ahead).
export PYTHONPYCACHEPREFIX="$env_dir/pycache"
unset PYTHONDONTWRITEBYTECODE
"$python" -S -P -m compileall -q "$action_dir/gatekeeper" >/dev/null &
compile_own=$!

uv="${GATEKEEPER_INSTALL_UV-$(command -v uv || true)}"
if [ -n "$uv" ]; then
  installer=uv
  # --no-build: wheels only, nothing is built (so no build backend runs) on the runner.
  if ! UV_NO_CONFIG=1 UV_CACHE_DIR="$env_dir/uv-cache" UV_PYTHON_DOWNLOADS=never \
      "$uv" pip install --quiet --target "$site" --python "$python" \
      --require-hashes --no-deps --no-build --link-mode copy -r "$lock"; then
    fail "installing requirements-action.lock with uv failed (hash mismatch or no network?)"
  fi
  rm -rf "$env_dir/uv-cache"
else
  installer=pip
  if ! "$python" -m pip install --quiet --disable-pip-version-check --no-input \
      --no-warn-script-location --target "$site" \
      --require-hashes --no-deps --only-binary=:all: -r "$lock"; then
    fail "installing requirements-action.lock with pip failed (hash mismatch or no network?)"
  fi
fi

wait "$compile_own" || fail "compiling Gatekeeper's own modules failed"

{
  echo "python=$python"
  echo "pythonpath=$action_dir:$site"
  echo "pycache-prefix=$env_dir/pycache"
  echo "installer=$installer"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
echo "Installed requirements-action.lock with $installer into $site"

"""requirements.lock: current with pyproject.toml, and installed only when its hashes match.

Offline: the install tests build a tiny wheel in a temporary folder and point the real
installers (pip, and uv when it is installed) and the action's own install script at it,
with no package index.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = ROOT / "scripts" / "action-install.sh"


def _lock_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gatekeeper_lock", ROOT / "scripts" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module


lock = _lock_module()


def test_the_lock_is_current_with_pyproject() -> None:
    assert lock.check() == []


def test_the_check_script_passes_offline() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "lock.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_every_runtime_dependency_is_pinned_with_hashes() -> None:
    dependencies, _ = lock.project_inputs()
    _, pins = lock.parse_lock(lock.LOCK.read_text(encoding="utf-8"))
    for requirement in dependencies:
        name = lock.normalize(lock._NAME.match(requirement).group(1))
        assert name in pins, name
    assert all(pin.hashes for pin in pins.values())
    # the transitive ones too: PyGithub's requests, jsonschema's referencing, ...
    assert {"requests", "urllib3", "referencing", "rpds-py", "mdurl"} <= set(pins)


def test_the_action_lock_is_current_and_holds_no_pygithub_or_its_extras() -> None:
    assert lock.check_action() == []
    _, pins = lock.parse_lock(lock.ACTION_LOCK.read_text(encoding="utf-8"))
    assert not {"pygithub", "pyjwt", "cryptography", "cffi", "pycparser", "pynacl",
                "requests"} & set(pins)
    assert {"urllib3", "click", "jsonschema", "google-re2", "pyyaml"} <= set(pins)
    # the same release and files as the full lock, so tests and the action agree
    _, everything = lock.parse_lock(lock.LOCK.read_text(encoding="utf-8"))
    for name, pin in pins.items():
        assert (pin.version, sorted(pin.hashes)) == \
            (everything[name].version, sorted(everything[name].hashes)), name


def test_the_action_lock_check_fails_on_a_forbidden_or_diverging_pin(tmp_path: Path) -> None:
    text = lock.ACTION_LOCK.read_text(encoding="utf-8")
    full = lock.LOCK.read_text(encoding="utf-8")
    cryptography = full[full.index("cryptography=="):]
    cryptography = cryptography[:cryptography.index("\n", cryptography.index("--hash"))]
    bad = tmp_path / "requirements-action.lock"
    bad.write_text(text + cryptography + "\n", encoding="utf-8")
    assert any("cryptography must not be" in p for p in lock.check_action(lock=bad))
    bad.write_text(text.replace("click==8", "click==7"), encoding="utf-8")
    assert any("click==7" in p and "not pinned so" in p for p in lock.check_action(lock=bad))


def test_the_action_lock_check_fails_when_its_dependencies_move_on(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    start = text.index("[tool.gatekeeper.action]")
    table = text[start:].replace('  "urllib3>=2.0",\n]\n',
                                 '  "urllib3>=2.0",\n  "rich>=13",\n]\n', 1)
    assert table != text[start:]
    pyproject.write_text(text[:start] + table, encoding="utf-8")
    problems = lock.check_action(pyproject=pyproject)
    assert any("[tool.gatekeeper.action] dependencies" in p for p in problems), problems
    assert any("rich is a dependency but is not" in p for p in problems), problems


def test_the_action_imports_nothing_outside_its_lock() -> None:
    """`gatekeeper action`'s modules, imported as the action runs them, load no third-party
    package that requirements-action.lock does not hold."""
    _, pins = lock.parse_lock(lock.ACTION_LOCK.read_text(encoding="utf-8"))
    tops = {"click", "re2", "jsonschema", "jsonschema_specifications", "referencing",
            "rpds", "attrs", "attr", "markdown_it", "mdurl", "yaml", "urllib3",
            "typing_extensions", "_yaml",
            # urllib3 loads backports.zstd when it is installed (optional zstd decoding);
            # the action's install has no such package and does without
            "backports"}
    assert {"click", "google-re2", "jsonschema", "markdown-it-py", "pyyaml",
            "urllib3"} <= set(pins)
    probe = (
        "import sys\n"
        "import gatekeeper.__main__, gatekeeper.cli, gatekeeper.commands.action\n"
        "from gatekeeper.forge.github import GitHubForge\n"
        "from gatekeeper.live import evaluation, merge_group\n"
        "from gatekeeper.reporters import github, markdown\n"
        "from gatekeeper.core import decide, schemas\n"
        "forge = GitHubForge('t', 'http://127.0.0.1:9', light=True)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    # Without the coverage measurement the suite may run under (it starts in every Python
    # process that inherits its variables).
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=ROOT, env=env)
    third_party = {m for m in done.stdout.split() if m not in sys.stdlib_module_names
                   and m not in ("gatekeeper", "__main__") and not m.startswith("_")}
    assert third_party <= tops, third_party - tops
    assert "github" not in third_party and "requests" not in third_party


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"click>=8.1"', '"click>=99"', "changed since"),
        ('"click>=8.1",', '"click>=8.1",\n  "rich>=13",', "rich is a dependency but is not"),
        ('requires-python = ">=3.11"', 'requires-python = ">=3.12"', "requires-python"),
    ],
)
def test_the_check_fails_when_pyproject_moves_on(
    tmp_path: Path, old: str, new: str, expected: str,
) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert old in text
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text.replace(old, new), encoding="utf-8")
    problems = lock.check(lock=lock.LOCK, pyproject=pyproject)
    assert any(expected in p for p in problems), problems


def test_the_check_fails_on_a_pin_without_hash(tmp_path: Path) -> None:
    text = lock.LOCK.read_text(encoding="utf-8")
    stripped = "\n".join(
        line for line in text.splitlines()
        if not (line.strip().startswith("--hash") and _follows(text, line, "mdurl")))
    bad = tmp_path / "requirements.lock"
    bad.write_text(stripped, encoding="utf-8")
    problems = lock.check(lock=bad)
    assert any("mdurl has no --hash" in p for p in problems), problems


def _follows(text: str, line: str, package: str) -> bool:
    """Whether ``line`` is one of the hash lines of ``package`` in ``text``."""
    current = ""
    for raw in text.splitlines():
        if raw and not raw.startswith((" ", "#")):
            current = raw.split("==", 1)[0]
        if raw == line:
            return current == package
    return False


# -- hash checking of the install -------------------------------------------------------

def _wheel(folder: Path, name: str = "gk_probe", version: str = "1.0") -> Path:
    """A minimal, valid pure-Python wheel."""
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "VALUE = 42\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                              "Tag: py3-none-any\n",
    }
    record = []
    for path, content in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(content.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(content.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return wheel


def _lock_for(wheel: Path, path: Path, *, tamper: bool) -> Path:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if tamper:
        digest = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    path.write_text(f"gk-probe==1.0 \\\n    --hash=sha256:{digest}\n", encoding="utf-8")
    return path


def _offline_env(tmp_path: Path, wheels: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update({
        "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1",
        "UV_NO_INDEX": "1", "UV_FIND_LINKS": str(wheels), "UV_OFFLINE": "1",
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
    })
    return env


def _uv() -> str | None:
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    return found


@pytest.mark.parametrize("tamper", [False, True], ids=["matching", "tampered"])
def test_pip_installs_only_a_matching_hash(tmp_path: Path, tamper: bool) -> None:
    wheels = tmp_path / "wheels"
    requirements = _lock_for(_wheel(wheels), tmp_path / "requirements.lock", tamper=tamper)
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--isolated", "--no-index", "--find-links",
         str(wheels), "--target", str(target), "--require-hashes", "--no-deps",
         "--only-binary=:all:", "-r", str(requirements)],
        capture_output=True, text=True, env=_offline_env(tmp_path, wheels), check=False,
    )
    if tamper:
        assert done.returncode != 0
        assert "DO NOT MATCH THE HASHES" in done.stderr, done.stderr
        assert not (target / "gk_probe").exists()
    else:
        assert done.returncode == 0, done.stderr
        assert (target / "gk_probe" / "__init__.py").exists()


@pytest.mark.parametrize("installer", ["uv", "pip"])
@pytest.mark.parametrize("tamper", [False, True], ids=["matching", "tampered"])
def test_the_action_install_script_refuses_a_tampered_lock(
    tmp_path: Path, installer: str, tamper: bool,
) -> None:
    uv = _uv()
    if installer == "uv" and uv is None:
        pytest.skip("uv is not installed")
    action = tmp_path / "action"
    (action / "gatekeeper" / "__pycache__").mkdir(parents=True)
    (action / "gatekeeper" / "__init__.py").write_text("", encoding="utf-8")
    (action / "gatekeeper" / "__pycache__" / "planted.pyc").write_bytes(b"left by a job")
    (action / "schemas").mkdir()
    wheels = tmp_path / "wheels"
    _lock_for(_wheel(wheels), action / "requirements-action.lock", tamper=tamper)
    output = tmp_path / "github_output"
    env = _offline_env(tmp_path, wheels)
    env.update({
        "GITHUB_ACTION_PATH": str(action), "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GITHUB_OUTPUT": str(output), "GATEKEEPER_INSTALL_PYTHON": sys.executable,
        "GATEKEEPER_INSTALL_UV": uv if installer == "uv" and uv else "",
    })
    done = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True,
                          env=env, check=False)
    installed = list((tmp_path / "runner-temp").glob("gatekeeper-env.*/site/gk_probe"))
    if tamper:
        assert done.returncode != 0, done.stdout + done.stderr
        assert "::error title=GK999::installing requirements-action.lock" in done.stdout
        assert "hash" in done.stderr.lower(), done.stderr
        assert installed == []
        assert not output.exists() or "python=" not in output.read_text()
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        assert len(installed) == 1
        values = dict(line.split("=", 1) for line in output.read_text().splitlines())
        assert values["installer"] == installer
        # Gatekeeper's own sources run from a copy in the job's folder (no __pycache__ of
        # the action's checkout copied), bytecode written beside them (no prefix).
        sources, site = values["pythonpath"].split(":")
        assert sources.startswith(str(tmp_path / "runner-temp"))
        assert site.startswith(str(tmp_path / "runner-temp"))
        assert values["pycache-prefix"] == ""
        assert (Path(sources) / "gatekeeper" / "__init__.py").exists()
        assert not list(Path(sources).rglob("planted.pyc"))
        # Gatekeeper runs with -S -P and this PYTHONPATH; the locked package imports.
        probe = subprocess.run(
            [values["python"], "-S", "-P", "-c", "import gk_probe; print(gk_probe.VALUE)"],
            env={**env, "PYTHONPATH": values["pythonpath"]}, capture_output=True, text=True,
            check=False, cwd=tmp_path,
        )
        assert probe.stdout.strip() == "42", probe.stderr


def test_the_install_script_creates_no_venv_and_never_reads_the_tool_cache() -> None:
    script = INSTALL_SCRIPT.read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    assert "-m venv" not in code and "virtualenv" not in code
    assert "RUNNER_TOOL_CACHE" not in code and ".complete" not in code
    assert "--require-hashes" in code and "--no-deps" in code

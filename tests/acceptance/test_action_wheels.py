"""requirements-action.urls: the action's pip installs each locked wheel by its own URL,
without reading the index, unless the runner configures where pip finds packages.

The list must hold exactly the files (sha256 hashes) of requirements-action.lock, give
every supported platform a wheel of every package, and the wheel picked for an
interpreter must be the one pip itself would prefer. Offline: the install tests serve a
tiny wheel from a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging import tags as packaging_tags

from tests.acceptance.test_lock import INSTALL_SCRIPT, ROOT, _wheel, lock

WHEELS_SCRIPT = ROOT / "scripts" / "action-wheels.py"


wheels = lock._wheels_module()  # scripts/action-wheels.py, as lock.py loads it
LISTED = wheels.read_list(lock.ACTION_URLS.read_text(encoding="utf-8"))


# -- the list and the lock ----------------------------------------------------------------


def test_the_url_list_is_current_with_the_action_lock() -> None:
    assert lock.check_urls() == []


def test_every_locked_file_is_listed_once_with_its_hash_and_url() -> None:
    _, pins = lock.parse_lock(lock.ACTION_LOCK.read_text(encoding="utf-8"))
    assert {lock.normalize(req.split("==")[0]) for req, _, _ in LISTED} == set(pins)
    for requirement, marker, files in LISTED:
        pin = pins[lock.normalize(requirement.split("==")[0])]
        assert requirement.endswith(f"=={pin.version}") and marker == pin.marker
        assert sorted(digest for digest, _ in files) == sorted(pin.hashes)
        assert all(url.startswith("https://files.pythonhosted.org/packages/")
                   for _, url in files)
    assert any(marker for _, marker, _ in LISTED)  # typing-extensions keeps its marker


def _edited(tmp_path: Path, old: str, new: str, *, count: int = 1) -> Path:
    text = lock.ACTION_URLS.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "requirements-action.urls"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _first_file_line(package: str) -> str:
    text = lock.ACTION_URLS.read_text(encoding="utf-8")
    start = text.index("\n", text.index(f"\n{package}==") + 1) + 1
    return text[start:text.index("\n", start) + 1]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ("hash", "not the hashes of requirements-action.lock (1 missing, 1 not in the lock"),
        ("drop-file", "(1 missing, 0 not in the lock"),
        ("repeat-file", "1 repeated"),
        ("no-hash", "has no sha256 hash"),
        ("drop-package", "mdurl of requirements-action.lock is not listed"),
        ("version", "is not requirements-action.lock's click==8.5.1"),
        ("marker", "is not requirements-action.lock's typing-extensions==4.16.0"),
        ("host", "is not a file on https://files.pythonhosted.org/packages/"),
        ("other-file", "is not a file of click==8.5.1"),
    ],
)
def test_the_check_fails_when_the_list_drifts_from_the_lock(
    tmp_path: Path, edit: str, expected: str,
) -> None:
    line = _first_file_line("click")
    digest = line.split()[0][len("sha256:"):]
    if edit == "hash":
        urls = _edited(tmp_path, digest, "0" * 64)
    elif edit == "drop-file":
        urls = _edited(tmp_path, line, "")
    elif edit == "repeat-file":
        urls = _edited(tmp_path, line, line + line)
    elif edit == "no-hash":
        urls = _edited(tmp_path, f"sha256:{digest}", "sha256:")
    elif edit == "drop-package":
        text = lock.ACTION_URLS.read_text(encoding="utf-8")
        start = text.index("\nmdurl==") + 1
        end = text.index("\n", text.index("\n", text.index("\n", start) + 1) + 1) + 1
        urls = _edited(tmp_path, text[start:end], "")
    elif edit == "version":
        urls = _edited(tmp_path, "\nclick==8.5.1\n", "\nclick==8.5.0\n")
    elif edit == "marker":
        urls = _edited(tmp_path, "typing-extensions==4.16.0 ; python_full_version < '3.13'",
                       "typing-extensions==4.16.0")
    elif edit == "host":
        urls = _edited(tmp_path, "https://files.pythonhosted.org/packages/",
                       "https://example.invalid/packages/")
    else:
        other = _first_file_line("mdurl").split()[1].rsplit("/", 1)[1]
        url = line.split()[1]
        urls = _edited(tmp_path, url, url.rsplit("/", 1)[0] + "/" + other)
    problems = lock.check_urls(urls=urls)
    assert any(expected in problem for problem in problems), problems


def test_the_check_fails_when_the_lock_moves_on_without_the_list(tmp_path: Path) -> None:
    text = lock.ACTION_LOCK.read_text(encoding="utf-8")
    digest = lock.parse_lock(text)[1]["urllib3"].hashes[0]
    moved = tmp_path / "requirements-action.lock"
    moved.write_text(text.replace(digest, "1" * 64), encoding="utf-8")
    problems = lock.check_urls(lock=moved)
    assert any("the files of urllib3 are not the hashes" in p for p in problems), problems


def test_the_check_fails_when_a_supported_platform_gets_no_wheel(tmp_path: Path) -> None:
    """Dropping google-re2's aarch64 wheel for CPython 3.13 from the lock and the list
    alike (consistent, but incomplete) leaves that platform on the index: a problem."""
    line = next(f"    sha256:{digest} {url}\n" for req, _, files in LISTED
                if req.startswith("google-re2==") for digest, url in files
                if "cp313-cp313-manylinux" in url and "aarch64" in url)
    digest = line.split()[0][len("sha256:"):]
    urls = _edited(tmp_path, line, "")
    text = lock.ACTION_LOCK.read_text(encoding="utf-8")
    hash_line = next(raw for raw in text.splitlines(keepends=True) if digest in raw)
    thinner = tmp_path / "requirements-action.lock"
    thinner.write_text(text.replace(hash_line, ""), encoding="utf-8")
    problems = lock.check_urls(urls=urls, lock=thinner)
    assert problems == ["requirements-action.urls: CPython 3.13 on manylinux aarch64 (glibc "
                        "2.28): no wheel of google-re2==1.1.20251105 for this interpreter "
                        "and platform (the action would read the index there)"], problems


# -- which wheel: as pip would choose ------------------------------------------------------


def _packaging_order(python: tuple[int, int], platforms: list[str]) -> list[tuple[str, ...]]:
    """packaging's (so pip's) order of the tags of a CPython with these platforms."""
    found = list(packaging_tags.cpython_tags(python, platforms=platforms))
    found += list(packaging_tags.compatible_tags(python, f"cp{python[0]}{python[1]}",
                                                 platforms))
    return [(t.interpreter, t.abi, t.platform) for t in found]


def _pick(order: list[tuple[str, ...]]) -> dict[str, str]:
    rank = {tag: index for index, tag in enumerate(order)}
    picked = {}
    for requirement, _, files in LISTED:
        scored = [(min(rank[tag] for tag in tags if tag in rank), url) for _, url in files
                  if (tags := wheels.wheel_tags(url.rsplit("/", 1)[1]))
                  and any(tag in rank for tag in tags)]
        picked[requirement] = min(scored)[1]
    return picked


@pytest.mark.parametrize("python", lock.COVERED_PYTHONS)
@pytest.mark.parametrize("platform", sorted(lock.COVERED_PLATFORMS))
def test_each_supported_platform_gets_the_wheel_pip_would_prefer(
    python: tuple[int, int], platform: str,
) -> None:
    system, arch, version = lock.COVERED_PLATFORMS[platform]
    if system == "linux":
        platforms = wheels.linux_platforms(arch, version)
    elif system == "darwin":
        platforms = wheels.mac_platforms(version, arch)
        assert platforms == list(packaging_tags.mac_platforms(version, arch))
    else:
        platforms = [arch]
    ours = wheels.supported_tags(python, [f"cp{python[0]}{python[1]}"], platforms)
    assert ours == _packaging_order(python, platforms)
    chosen = {req: url for req, _, _, url in wheels.choose(LISTED, ours)}
    assert chosen == _pick(_packaging_order(python, platforms))
    name = f"google_re2-1.1.20251105-1-cp{python[0]}{python[1]}-cp{python[0]}{python[1]}-"
    assert name in chosen["google-re2==1.1.20251105"], chosen


def test_linux_platform_tags_are_packagings() -> None:
    """This machine's manylinux tags, as packaging (so pip) lists them for its glibc."""
    from packaging import _manylinux

    glibc = _manylinux._get_glibc_version()
    if not sys.platform.startswith("linux") or glibc == (-1, -1):
        pytest.skip("not a Linux with glibc")
    expected = list(packaging_tags._linux_platforms())
    assert wheels.linux_platforms(os.uname().machine, glibc) == expected


def test_this_interpreter_gets_the_wheels_pip_would_install() -> None:
    order = [(t.interpreter, t.abi, t.platform) for t in packaging_tags.sys_tags()]
    chosen = {req: url for req, _, _, url in wheels.choose(LISTED, wheels.this_interpreter())}
    assert chosen == _pick(order)


def test_no_glibc_means_the_index() -> None:
    """A Linux without glibc (musl, for one): binary packages have no listed wheel, so the
    install reads the index, which finds the same wheels pip would (or fails as before)."""
    tags = wheels.supported_tags((3, 11), ["cp311"], wheels.linux_platforms("x86_64", None))
    with pytest.raises(wheels.Fallback, match="no wheel of google-re2"):
        wheels.choose(LISTED, tags)


# -- a runner's mirror is never gone around -------------------------------------------------


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "UV_", "XDG_", "COVERAGE"))}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update({"HOME": str(home), "XDG_CONFIG_DIRS": str(tmp_path / "etc-xdg"),
                "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return env


def _pip_says(env: dict[str, str]) -> set[str]:
    """The package-source keys pip itself reads in ``env``."""
    probe = ("from pip._internal.configuration import Configuration\n"
             "c = Configuration(isolated=False); c.load()\n"
             "keys = {'index-url', 'extra-index-url', 'find-links', 'no-index'}\n"
             "print(' '.join(sorted({k.split('.', 1)[1] for k, v in c.items()\n"
             "                       if k.split('.', 1)[1] in keys and v})))\n")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, check=True)
    return set(done.stdout.split())


def _site_config_clean() -> bool:
    """Whether this machine's global and interpreter pip files set no package source
    (they are read in every scenario below)."""
    found = wheels.pip_sources({"HOME": "/nonexistent", "XDG_CONFIG_DIRS": "/nonexistent"})
    return not found


@pytest.mark.parametrize(
    "scenario",
    ["nothing", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
     "user index-url", "user [install] index_url", "legacy user extra-index-url",
     "xdg global find-links", "PIP_CONFIG_FILE index-url", "PIP_CONFIG_FILE devnull",
     "user file without sources"],
)
def test_a_configured_package_source_is_seen_as_pip_sees_it(
    tmp_path: Path, scenario: str,
) -> None:
    if not _site_config_clean():
        pytest.skip("this machine's own pip configuration sets a package source")
    env = _clean_env(tmp_path)
    home = Path(env["HOME"])
    files = {
        "user index-url": (home / ".config" / "pip" / "pip.conf",
                           "[global]\nindex-url = https://mirror.example/simple\n"),
        "user [install] index_url": (home / ".config" / "pip" / "pip.conf",
                                     "[install]\nindex_url = https://mirror.example/simple\n"),
        "legacy user extra-index-url": (home / ".pip" / "pip.conf",
                                        "[global]\nextra-index-url = https://m.example/s\n"),
        "xdg global find-links": (tmp_path / "etc-xdg" / "pip" / "pip.conf",
                                  "[global]\nfind-links = /srv/wheels\n"),
        "PIP_CONFIG_FILE index-url": (tmp_path / "named.conf",
                                      "[global]\nindex-url = https://mirror.example/simple\n"),
        "user file without sources": (home / ".config" / "pip" / "pip.conf",
                                      "[global]\ntimeout = 60\ncert = /etc/ssl/ca.pem\n"),
    }
    if scenario in files:
        path, text = files[scenario]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if scenario == "PIP_CONFIG_FILE index-url":
        env["PIP_CONFIG_FILE"] = str(tmp_path / "named.conf")
    elif scenario == "PIP_CONFIG_FILE devnull":
        env["PIP_CONFIG_FILE"] = os.devnull
        (home / ".config" / "pip").mkdir(parents=True)
        (home / ".config" / "pip" / "pip.conf").write_text(
            "[global]\nindex-url = https://mirror.example/simple\n", encoding="utf-8")
    elif scenario.startswith("PIP_"):
        env[scenario] = "1" if scenario == "PIP_NO_INDEX" else "https://mirror.example/simple"
    ours = wheels.pip_sources(env)
    assert bool(ours) == bool(_pip_says(env)), (ours, _pip_says(env))
    expect_source = scenario not in ("nothing", "PIP_CONFIG_FILE devnull",
                                     "user file without sources")
    assert bool(ours) is expect_source, ours


# -- the install script ---------------------------------------------------------------------


def _action(tmp_path: Path, *, list_url: str | None = None, tamper: bool = False) -> Path:
    """An action folder with a one-package lock, and its list pointing at ``list_url``
    (default: the wheel's own file)."""
    wheels_dir = tmp_path / "wheels"
    wheel = _wheel(wheels_dir)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    action = tmp_path / "action"
    (action / "gatekeeper").mkdir(parents=True)
    (action / "gatekeeper" / "__init__.py").write_text("", encoding="utf-8")
    (action / "schemas").mkdir()
    (action / "scripts").mkdir()
    (action / "scripts" / "action-wheels.py").write_bytes(WHEELS_SCRIPT.read_bytes())
    (action / "requirements-action.lock").write_text(
        f"gk-probe==1.0 \\\n    --hash=sha256:{digest}\n", encoding="utf-8")
    listed = "0" * 64 if tamper else digest
    (action / "requirements-action.urls").write_text(
        f"gk-probe==1.0\n    sha256:{listed} {list_url or wheel.as_uri()}\n", encoding="utf-8")
    # a local index, PEP 503, for the runners that configure one
    page = tmp_path / "simple" / "gk-probe"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        f'<a href="{wheel.as_uri()}#sha256={digest}">{wheel.name}</a>\n', encoding="utf-8")
    return action


def _install(tmp_path: Path, action: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**env, "GITHUB_ACTION_PATH": str(action),
           "RUNNER_TEMP": str(tmp_path / "runner-temp"),
           "GITHUB_OUTPUT": str(tmp_path / "github_output"),
           "GATEKEEPER_INSTALL_PYTHON": sys.executable, "GATEKEEPER_INSTALL_UV": "",
           "PIP_NO_CACHE_DIR": "1"}
    return subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True,
                          env=env, check=False)


def _installed(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "runner-temp").glob("gatekeeper-env.*/site/gk_probe"))


@pytest.mark.parametrize("tamper", [False, True], ids=["matching", "tampered"])
def test_pip_installs_the_listed_wheel_by_url_with_its_hash(
    tmp_path: Path, tamper: bool,
) -> None:
    if not _site_config_clean():
        pytest.skip("this machine's own pip configuration sets a package source")
    action = _action(tmp_path, tamper=tamper)
    done = _install(tmp_path, action, _clean_env(tmp_path))
    if tamper:
        assert done.returncode != 0, done.stdout + done.stderr
        assert "requirements-action.urls failed" in done.stdout
        assert "DO NOT MATCH THE HASHES" in done.stderr, done.stderr
        assert _installed(tmp_path) == []
    else:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Installed requirements-action.lock with pip (direct) into" in done.stdout
        assert len(_installed(tmp_path)) == 1
        values = dict(line.split("=", 1)
                      for line in (tmp_path / "github_output").read_text().splitlines())
        assert values["installer"] == "pip"


@pytest.mark.parametrize("mirror", ["PIP_INDEX_URL", "pip.conf index-url",
                                    "PIP_NO_INDEX and PIP_FIND_LINKS"])
def test_a_configured_mirror_is_used_not_gone_around(tmp_path: Path, mirror: str) -> None:
    """The list points nowhere: were the mirror gone around, the install would fail."""
    action = _action(tmp_path, list_url="file:///nonexistent/gk_probe-1.0-py3-none-any.whl")
    env = _clean_env(tmp_path)
    index = (tmp_path / "simple").as_uri()
    if mirror == "PIP_INDEX_URL":
        env["PIP_INDEX_URL"] = index
    elif mirror == "pip.conf index-url":
        conf = Path(env["HOME"]) / ".config" / "pip" / "pip.conf"
        conf.parent.mkdir(parents=True)
        conf.write_text(f"[global]\nindex-url = {index}\n", encoding="utf-8")
    else:
        env.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "wheels")})
    done = _install(tmp_path, action, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installing from the package index: the runner configures where pip finds " \
        "packages" in done.stdout, done.stdout
    assert "Installed requirements-action.lock with pip (index) into" in done.stdout
    assert len(_installed(tmp_path)) == 1


def test_the_install_script_goes_around_no_index_it_was_not_told_to() -> None:
    """Only pip is given direct URLs, only after the configuration check, and always with
    --require-hashes --no-deps and wheels only; uv reads the index as before."""
    script = INSTALL_SCRIPT.read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))
    assert code.count("action-wheels.py") == 1
    assert '--no-index -r "$direct"' in code
    assert "--require-hashes --no-deps --only-binary=:all:" in code
    uv_part = code[code.index('if [ -n "$uv" ]'):code.index("else\n  installer=pip")]
    assert "$direct" not in uv_part and "$urls" not in uv_part

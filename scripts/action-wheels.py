"""Choose, for this interpreter, one wheel of each package of requirements-action.urls.

    python -S -P action-wheels.py requirements-action.urls OUTPUT

Writes OUTPUT, a requirements file of direct references, one a package, each with its
sha256 (``name @ https://... ; marker --hash=sha256:...``), for
``pip install --require-hashes --no-deps --no-index``: pip then reads no index page (the
pages of the action's twelve projects list over 8,000 files, which pip checks one by one
against the interpreter's tags; that is most of its install time), and downloads the
same files the index would have given it, hash-checked as before.

Exits 3 without writing OUTPUT, saying why on standard output, when the action must
install from the index instead (`scripts/action-install.sh` then does, with the hashes of
requirements-action.lock):

- the runner configures where pip finds packages (an index, an extra index, find-links or
  no-index, in the environment or in any pip configuration file): a direct reference
  would go around that mirror;
- a package has no wheel for this interpreter and platform in the list (the index
  install then finds the same, or fails as before).

requirements-action.urls is written by `python scripts/lock.py` and checked against
requirements-action.lock by `python scripts/lock.py --check`, offline: the same packages,
versions and markers, and exactly the lock's hashes. Standard library only; it runs with
the runner's Python before anything is installed. `scripts/lock.py` loads this file to
check that every platform the action supports gets a wheel of every package.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence

# Where pip reads its configuration (pip 23 to 26, every platform; a file that is absent
# costs one stat). Any of these keys in any section, or their PIP_ variables, means the
# runner chose where packages come from.
PIP_SOURCE_KEYS = frozenset({"index-url", "extra-index-url", "find-links", "no-index"})
NOT_HERE = 3


class Fallback(Exception):
    """The direct references cannot be used here: install from the index instead."""


# -- the list ---------------------------------------------------------------------------


def read_list(text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """[(requirement "name==version", marker or "", [(sha256, url), ...]), ...]."""
    pins: list[tuple[str, str, list[tuple[str, str]]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if raw[0].isspace():
            if not pins:
                raise ValueError(f"line {number}: a file before any package")
            digest, _, url = line.partition(" ")
            if not digest.startswith("sha256:") or not url.strip():
                raise ValueError(f"line {number}: not 'sha256:HEX URL': {line}")
            pins[-1][2].append((digest[len("sha256:"):], url.strip()))
            continue
        requirement, _, marker = line.partition(";")
        if "==" not in requirement:
            raise ValueError(f"line {number}: not an exact pin: {line}")
        pins.append((requirement.strip(), marker.strip(), []))
    return pins


def wheel_tags(filename: str) -> set[tuple[str, str, str]] | None:
    """The (interpreter, abi, platform) tags of a wheel's file name; None: not a wheel."""
    if not filename.endswith(".whl"):
        return None
    parts = filename[: -len(".whl")].split("-")
    if len(parts) not in (5, 6):
        return None
    interpreters, abis, platforms = parts[-3:]
    return {(i, a, p) for i in interpreters.split(".") for a in abis.split(".")
            for p in platforms.split(".")}


# -- the interpreter's tags (as packaging.tags orders them, for CPython) ------------------


def linux_platforms(arch: str, glibc: tuple[int, int] | None) -> list[str]:
    """The bare platform, then manylinux tags, newest first (packaging's order). No glibc
    (musl, for one): only the bare platform, so binary packages fall back to the index."""
    found = [f"linux_{arch}"]
    if glibc is not None and glibc[0] == 2:
        oldest = 5 if arch in ("x86_64", "i686") else 17
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
        for minor in range(glibc[1], oldest - 1, -1):
            found.append(f"manylinux_2_{minor}_{arch}")
            if minor in legacy and (minor == 17 or arch in ("x86_64", "i686")):
                found.append(f"{legacy[minor]}_{arch}")
    return found


def mac_platforms(version: tuple[int, int], arch: str) -> list[str]:
    """macOS tags, newest first, as packaging lists them (its "fat3" included)."""
    formats = ["arm64", "universal2"] if arch == "arm64" else \
        ["x86_64", "intel", "fat64", "fat3", "universal2", "universal"]
    found: list[str] = []
    if version[0] >= 11:
        for major in range(version[0], 10, -1):
            found += [f"macosx_{major}_0_{binary}" for binary in formats]
        older = range(16, 3, -1)
    else:
        older = range(version[1], 3, -1)
    for minor in older:
        found += [f"macosx_10_{minor}_{binary}" for binary in formats
                  if arch != "arm64" or binary == "universal2"]
    return found


def supported_tags(python: tuple[int, int], abis: Sequence[str],
                   platforms: Sequence[str], *, abi3: bool = True) -> list[tuple[str, str, str]]:
    """CPython's compatible tags, most specific first."""
    major, minor = python
    interpreter = f"cp{major}{minor}"
    tags = [(interpreter, abi, platform) for abi in abis for platform in platforms]
    if abi3:
        tags += [(interpreter, "abi3", platform) for platform in platforms]
    tags += [(interpreter, "none", platform) for platform in platforms]
    if abi3:
        tags += [(f"cp{major}{older}", "abi3", platform)
                 for older in range(minor - 1, 1, -1) for platform in platforms]
    generic = [f"py{major}{minor}", f"py{major}"] + \
        [f"py{major}{older}" for older in range(minor - 1, -1, -1)]
    tags += [(py, "none", platform) for py in generic for platform in platforms]
    tags.append((interpreter, "none", "any"))
    tags += [(py, "none", "any") for py in generic]
    return tags


def this_interpreter() -> list[tuple[str, str, str]]:
    if sys.implementation.name != "cpython":
        raise Fallback(f"{sys.implementation.name} is not CPython")
    import sysconfig

    version = sys.version_info[:2]
    threading = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    debug = "d" if sysconfig.get_config_var("Py_DEBUG") else ""
    base = f"cp{version[0]}{version[1]}{threading}"
    abis = [base + debug] + ([base] if debug else [])
    if sys.platform.startswith("linux"):
        arch = os.uname().machine
        if sys.maxsize <= 2**32:
            raise Fallback("a 32-bit interpreter on Linux")
        try:
            libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (OSError, ValueError):
            libc = ""
        name, _, number = libc.partition(" ")
        glibc = None
        if name == "glibc":
            major, _, rest = number.partition(".")
            minor = "".join(c for c in rest.split(".")[0] if c.isdigit())
            if major.isdigit() and minor:
                glibc = (int(major), int(minor))
        platforms = linux_platforms(arch, glibc)
    elif sys.platform == "darwin":
        import platform

        release, _, arch = platform.mac_ver()
        numbers = [int(part) for part in release.split(".")[:2] if part.isdigit()]
        if not numbers:
            raise Fallback("cannot tell the macOS version")
        platforms = mac_platforms((numbers[0], numbers[1] if len(numbers) > 1 else 0),
                                  arch or platform.machine())
    elif sys.platform == "win32":
        platforms = [sysconfig.get_platform().replace("-", "_").replace(".", "_")]
    else:
        raise Fallback(f"no wheels are listed for {sys.platform}")
    return supported_tags(version, abis, platforms, abi3=not threading)


def choose(pins: Iterable[tuple[str, str, list[tuple[str, str]]]],
           tags: Sequence[tuple[str, str, str]]) -> list[tuple[str, str, str, str]]:
    """[(requirement, marker, sha256, url)]: each package's most specific wheel for
    ``tags``. Raises Fallback when a package has none."""
    rank = {tag: index for index, tag in enumerate(tags)}
    chosen: list[tuple[str, str, str, str]] = []
    for requirement, marker, files in pins:
        best: tuple[int, str, str] | None = None
        for digest, url in files:
            wheel = wheel_tags(url.rsplit("/", 1)[-1])
            if not wheel:
                continue
            score = min((rank[tag] for tag in wheel if tag in rank), default=None)
            if score is not None and (best is None or score < best[0]):
                best = (score, digest, url)
        if best is None:
            raise Fallback(f"no wheel of {requirement} for this interpreter and platform")
        chosen.append((requirement, marker, best[1], best[2]))
    return chosen


def requirements(chosen: Iterable[tuple[str, str, str, str]]) -> str:
    lines = []
    for requirement, marker, digest, url in chosen:
        name = requirement.split("==", 1)[0]
        when = f" ; {marker}" if marker else ""
        lines.append(f"{name} @ {url}{when} --hash=sha256:{digest}\n")
    return "".join(lines)


# -- what the runner configures for pip ----------------------------------------------------


def pip_config_files(environ: os._Environ[str] | dict[str, str]) -> Iterator[str]:
    """Every file pip may read its configuration from (a superset of what one pip version
    reads on one platform), in no particular order."""
    named = environ.get("PIP_CONFIG_FILE")
    if named == os.devnull:  # pip then reads no file at all
        return
    if named:
        yield named
    home = environ.get("HOME") or os.path.expanduser("~")
    xdg_dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    for folder in xdg_dirs.split(os.pathsep):
        if folder:
            yield os.path.join(folder, "pip", "pip.conf")
    yield "/etc/pip.conf"
    yield "/Library/Application Support/pip/pip.conf"
    if environ.get("PROGRAMDATA"):
        yield os.path.join(environ["PROGRAMDATA"], "pip", "pip.ini")
    yield os.path.join(home, ".pip", "pip.conf")
    yield os.path.join(environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"),
                       "pip", "pip.conf")
    yield os.path.join(home, ".config", "pip", "pip.conf")
    yield os.path.join(home, "Library", "Application Support", "pip", "pip.conf")
    if environ.get("APPDATA"):
        yield os.path.join(environ["APPDATA"], "pip", "pip.ini")
    for prefix in {sys.prefix, sys.base_prefix}:
        yield os.path.join(prefix, "pip.conf")
        yield os.path.join(prefix, "pip.ini")


def pip_sources(environ: os._Environ[str] | dict[str, str] | None = None) -> list[str]:
    """Where the runner tells pip to find packages: each setting found, as
    "PIP_INDEX_URL" or "/etc/pip.conf: index-url". Empty: pip would use PyPI alone."""
    environ = os.environ if environ is None else environ
    found = [name for name in sorted(environ) if name.startswith("PIP_")
             and name[4:].lower().replace("_", "-") in PIP_SOURCE_KEYS
             and environ[name].strip()]
    for path in dict.fromkeys(pip_config_files(environ)):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        found += [f"{path}: {key}" for key in config_keys(text, path)]
    return found


def config_keys(text: str, path: str) -> list[str]:
    """The package-source keys an INI file sets, in any section; one it cannot read
    counts as setting them (so the action then installs from the index)."""
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text, source=path)
    except configparser.Error:
        return ["(unreadable)"]
    keys = []
    for section in parser.sections():
        for key, value in parser.items(section):
            name = key.lower().replace("_", "-").lstrip("-")
            if name in PIP_SOURCE_KEYS and value.strip():
                keys.append(name)
    return sorted(set(keys))


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: action-wheels.py requirements-action.urls OUTPUT", file=sys.stderr)
        return 2
    listed, output = argv
    try:
        sources = pip_sources()
        if sources:
            raise Fallback("the runner configures where pip finds packages ("
                           + ", ".join(sources) + ")")
        with open(listed, encoding="utf-8") as handle:
            pins = read_list(handle.read())
        text = requirements(choose(pins, this_interpreter()))
    except Fallback as reason:
        print(f"Installing from the package index: {reason}")
        return NOT_HERE
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

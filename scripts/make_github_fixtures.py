#!/usr/bin/env python3
"""Regenerate the GitHub contract fixtures in ``tests/fixtures/github/``.

The fixtures are trimmed copies of artifacts GitHub (via Octokit) publishes on the
npm registry, so that our GitHub test double is checked against GitHub's own
descriptions instead of guesses:

* ``@octokit/webhooks-examples``: real webhook payloads, one file per event/action.
* ``@octokit/graphql-schema``: the GraphQL introspection result (``schema.json``),
  stored gzip-compressed and wrapped as ``{"data": {"__schema": ...}}``.
* ``@octokit/openapi``: the REST OpenAPI description for api.github.com, trimmed to
  the paths Gatekeeper uses plus every ``components/*`` entry they reference.

Usage::

    python scripts/make_github_fixtures.py           # (re)write the fixtures
    python scripts/make_github_fixtures.py --check   # fail if they are out of date

Needs ``npm`` on PATH and access to the npm registry. Packages are fetched with
``npm pack`` into a temporary directory that is removed afterwards; nothing is
installed globally and nothing but the fixture directory is written in the repo.
Output is deterministic: re-running with the same pins gives byte-identical files.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- Pins (newest versions on the npm registry when these fixtures were made) -------
WEBHOOKS_EXAMPLES = ("@octokit/webhooks-examples", "7.6.1")
GRAPHQL_SCHEMA = ("@octokit/graphql-schema", "15.26.1")
OPENAPI = ("@octokit/openapi", "23.0.2")

# --- What to extract ------------------------------------------------------------------
WEBHOOKS_SOURCE_FILE = "api.github.com/index.json"
WEBHOOK_ACTIONS: dict[str, tuple[str, ...]] = {
    "pull_request": ("opened", "edited", "synchronize", "reopened", "ready_for_review"),
    "pull_request_review": ("submitted", "dismissed"),
    "merge_group": ("checks_requested",),
    "workflow_run": ("requested", "completed"),
    # Re-judging: a push to a base branch (no action: "" stands for the event itself) and
    # a change to an approval record.
    "push": ("",),
    "issues": ("edited", "labeled", "unlabeled", "deleted", "closed", "reopened"),
}

GRAPHQL_SOURCE_FILE = "schema.json"

OPENAPI_SOURCE_FILE = "generated/api.github.com.json"
OPENAPI_PATHS: tuple[str, ...] = (
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    "/repos/{owner}/{repo}/pulls/{pull_number}/files",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "/repos/{owner}/{repo}/pulls",
    "/repos/{owner}/{repo}/contents/{path}",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    "/repos/{owner}/{repo}/statuses/{sha}",
    "/repos/{owner}/{repo}/commits/{ref}/status",
    "/orgs/{org}/teams/{team_slug}/memberships/{username}",
    "/repos/{owner}/{repo}/branches/{branch}/protection",
    "/repos/{owner}/{repo}/git/ref/{ref}",
    "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    "/repos/{owner}/{repo}/rules/branches/{branch}",
    "/repos/{owner}/{repo}/rulesets",
    "/repos/{owner}/{repo}",
    "/rate_limit",
    "/repos/{owner}/{repo}/actions/workflows",
    # authority: permissions, commits, approval records, check runs, teams
    "/repos/{owner}/{repo}/collaborators/{username}/permission",
    "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
    "/repos/{owner}/{repo}/issues/{issue_number}",
    "/repos/{owner}/{repo}/issues/{issue_number}/events",
    "/repos/{owner}/{repo}/issues/{issue_number}/timeline",
    "/repos/{owner}/{repo}/commits/{ref}/check-runs",
    "/orgs/{org}/teams/{team_slug}",
    "/users/{username}",
    # the verdict's commit: pull requests on a commit, branch tips, merge groups
    "/repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    "/repos/{owner}/{repo}/branches/{branch}",
    "/repos/{owner}/{repo}/compare/{basehead}",
    "/repos/{owner}/{repo}/commits/{ref}",
    "/repos/{owner}/{repo}/actions/runs/{run_id}",
    # re-judging: a workflow's runs on a commit, and re-running one
    "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
    "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun",
    # labels of the repository, and settings doctor reads
    "/repos/{owner}/{repo}/labels",
    "/repos/{owner}/{repo}/labels/{name}",
    "/repos/{owner}/{repo}/rulesets/{ruleset_id}",
    "/user",
)
OPENAPI_TOP_LEVEL_KEPT = ("openapi", "info", "servers")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "fixtures" / "github"
MANAGED = ("webhooks", "graphql", "openapi", "licenses", "SOURCES.md")
LICENSE_FILE_RE = re.compile(r"^(LICEN[CS]E|COPYING)(\.(md|txt))?$", re.IGNORECASE)
REGENERATE = "python scripts/make_github_fixtures.py"


@dataclass(frozen=True)
class Package:
    """An npm package fetched with ``npm pack`` and unpacked to ``root``."""

    name: str
    version: str
    root: Path
    tarball: str
    integrity: str
    license: str
    license_files: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.name.lstrip("@").replace("/", "-")

    def read_json(self, relpath: str) -> Any:
        with (self.root / relpath).open(encoding="utf-8") as fh:
            return json.load(fh)

    def sha256(self, relpath: str) -> str:
        return hashlib.sha256((self.root / relpath).read_bytes()).hexdigest()


def fetch(name: str, version: str, workdir: Path) -> Package:
    """``npm pack NAME@VERSION`` into ``workdir`` and unpack it safely."""
    dest = workdir / f"{name.lstrip('@').replace('/', '-')}-{version}"
    dest.mkdir(parents=True)
    proc = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(dest)],
        cwd=dest,
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(proc.stdout)[0]
    if info["name"] != name or info["version"] != version:
        raise SystemExit(
            f"npm pack returned {info['name']}@{info['version']}, wanted {name}@{version}"
        )
    with tarfile.open(dest / info["filename"]) as tar:
        tar.extractall(dest, filter="data")
    root = dest / "package"
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    if manifest["version"] != version:
        raise SystemExit(f"{name}: package.json says {manifest['version']}, wanted {version}")
    licence = manifest.get("license")
    if not isinstance(licence, str):
        raise SystemExit(f"{name}: package.json has no SPDX 'license' string: {licence!r}")
    license_files = tuple(
        sorted(p.name for p in root.iterdir() if p.is_file() and LICENSE_FILE_RE.match(p.name))
    )
    return Package(
        name=name,
        version=version,
        root=root,
        tarball=info["filename"],
        integrity=info["integrity"],
        license=licence,
        license_files=license_files,
    )


def dump_json(obj: Any, path: Path, *, indent: int | None = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(obj, indent=indent, ensure_ascii=False, separators=separators)
    path.write_text(text + "\n", encoding="utf-8")


# --- Webhooks -------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookResult:
    written: dict[str, int]  # "<event>.<action>" -> index in the event's examples list
    missing: dict[str, str]  # "<event>.<action>" -> why
    declared: dict[str, list[str]]  # event -> actions the package declares


def make_webhooks(pkg: Package, out: Path) -> WebhookResult:
    definitions = pkg.read_json(WEBHOOKS_SOURCE_FILE)
    by_name = {d["name"]: d for d in definitions}
    written: dict[str, int] = {}
    missing: dict[str, str] = {}
    declared: dict[str, list[str]] = {}
    for event, actions in WEBHOOK_ACTIONS.items():
        definition = by_name.get(event)
        if definition is None:
            for action in actions:
                missing[f"{event}.{action}"] = "event not in package"
            continue
        declared[event] = list(definition["actions"])
        for action in actions:
            key = f"{event}.{action}" if action else event
            index = next(
                (i for i, ex in enumerate(definition["examples"])
                 if ex.get("action") == (action or None)),
                None,
            )
            if index is None:
                why = "action declared but no example payload"
                if action not in definition["actions"]:
                    why = "action not declared for this event"
                missing[key] = why
                continue
            dump_json(definition["examples"][index], out / "webhooks" / f"{key}.json")
            written[key] = index
    manifest = {
        "package": pkg.name,
        "version": pkg.version,
        "source_file": WEBHOOKS_SOURCE_FILE,
        "written": {k: {"example_index": v} for k, v in written.items()},
        "missing": missing,
        "declared_actions": declared,
    }
    dump_json(manifest, out / "webhooks" / "manifest.json")
    return WebhookResult(written=written, missing=missing, declared=declared)


# --- GraphQL --------------------------------------------------------------------------


def make_graphql(pkg: Package, out: Path) -> str:
    """Write the introspection result gzip-compressed; return a note on its shape."""
    raw = pkg.read_json(GRAPHQL_SOURCE_FILE)
    if isinstance(raw, dict) and "data" in raw:
        wrapped, note = raw, 'already shaped `{"data": {"__schema": ...}}`; stored as is'
    elif isinstance(raw, dict) and "__schema" in raw:
        wrapped = {"data": raw}
        note = (
            'the package file is a bare `{"__schema": ...}`; it is stored wrapped as '
            '`{"data": {"__schema": ...}}` (lossless) so that '
            '`build_client_schema(json.load(f)["data"])` works'
        )
    else:
        raise SystemExit(f"{pkg.name}/{GRAPHQL_SOURCE_FILE}: unexpected top-level shape")
    payload = json.dumps(wrapped, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    target = out / "graphql" / "schema.json.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no embedded file name keep the gzip stream byte-for-byte reproducible.
    with (
        target.open("wb") as fh,
        gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(payload.encode("utf-8") + b"\n")
    return note


# --- OpenAPI --------------------------------------------------------------------------


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, dict):
            ref = cur.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return found


def make_openapi(pkg: Package, out: Path) -> dict[str, int]:
    doc = pkg.read_json(OPENAPI_SOURCE_FILE)
    missing = [p for p in OPENAPI_PATHS if p not in doc["paths"]]
    if missing:
        raise SystemExit(f"{pkg.name}/{OPENAPI_SOURCE_FILE}: paths not found: {missing}")
    paths = {p: doc["paths"][p] for p in OPENAPI_PATHS}

    wanted: set[tuple[str, str]] = set()
    queue = _refs(paths)
    while queue:
        ref = queue.pop()
        if not ref.startswith("#/components/"):
            raise SystemExit(f"unsupported $ref (not into #/components/): {ref}")
        parts = [_unescape(t) for t in ref[len("#/components/") :].split("/")]
        if len(parts) < 2:
            raise SystemExit(f"unsupported $ref: {ref}")
        entry = (parts[0], parts[1])
        if entry in wanted:
            continue
        try:
            target = doc["components"][entry[0]][entry[1]]
        except KeyError:
            raise SystemExit(f"dangling $ref: {ref}") from None
        wanted.add(entry)
        queue.extend(_refs(target))

    components: dict[str, dict[str, Any]] = {}
    for section, entries in doc["components"].items():  # keep the source order
        kept = {name: value for name, value in entries.items() if (section, name) in wanted}
        if kept:
            components[section] = kept

    trimmed: dict[str, Any] = {k: doc[k] for k in OPENAPI_TOP_LEVEL_KEPT if k in doc}
    trimmed["paths"] = paths
    trimmed["components"] = components
    dump_json(trimmed, out / "openapi" / "api.github.com.trimmed.json")
    return {section: len(entries) for section, entries in components.items()}


# --- Licences & SOURCES.md --------------------------------------------------------------


def _readme_license_section(pkg: Package) -> str:
    readme = pkg.root / "README.md"
    if not readme.is_file():
        return "(no README.md in the package)"
    text = readme.read_text(encoding="utf-8")
    match = re.search(r"^#+\s*licen[cs]e\s*$(.*?)(?=^#|\Z)", text, re.I | re.M | re.S)
    return match.group(1).strip() if match else "(no licence section in README.md)"


def copy_license(pkg: Package, out: Path) -> str:
    """Copy the package's licence file(s); return the SOURCES.md description."""
    target = out / "licenses" / f"{pkg.slug}.LICENSE"
    target.parent.mkdir(parents=True, exist_ok=True)
    if pkg.license_files:
        chunks = [(pkg.root / f).read_text(encoding="utf-8") for f in pkg.license_files]
        target.write_text("\n".join(c.rstrip("\n") + "\n" for c in chunks), encoding="utf-8")
        return f"copied verbatim from `{'`, `'.join(pkg.license_files)}` in the package"
    target.write_text(
        f"{pkg.name}@{pkg.version} ships no LICENSE file in its npm tarball.\n\n"
        f'Its package.json declares: "license": "{pkg.license}"\n\n'
        "The licence section of the package's README.md reads:\n\n"
        f"    {_readme_license_section(pkg)}\n\n"
        "(The link points at the LICENSE file of the source repository, which is not\n"
        "part of the published package.)\n",
        encoding="utf-8",
    )
    return (
        "**the tarball contains no licence file**; the file records the package.json "
        "`license` field and the README's licence section instead"
    )


def write_sources(
    out: Path,
    pkgs: dict[str, Package],
    licences: dict[str, str],
    webhooks: WebhookResult,
    graphql_note: str,
    openapi_counts: dict[str, int],
) -> None:
    def header(pkg: Package, source: str) -> list[str]:
        return [
            f"- npm package: `{pkg.name}`",
            f"- exact version: `{pkg.version}` (tarball `{pkg.tarball}`, "
            f"integrity `{pkg.integrity}`)",
            f"- file inside the package: `package/{source}` (sha256 `{pkg.sha256(source)}`)",
            f"- licence: `{pkg.license}` (package.json); "
            f"`licenses/{pkg.slug}.LICENSE` — {licences[pkg.name]}",
        ]

    wh, gq, oa = pkgs["webhooks"], pkgs["graphql"], pkgs["openapi"]
    lines = [
        "# Sources of the GitHub contract fixtures",
        "",
        "Generated by `scripts/make_github_fixtures.py`; do not edit by hand.",
        "Every artifact below is a copy (or a trimmed copy) of a file GitHub/Octokit publish",
        "on the npm registry. To regenerate (needs `npm` and registry access):",
        "",
        "```sh",
        REGENERATE,
        "```",
        "",
        f"To check that the committed files are current: `{REGENERATE} --check`.",
        "The pinned versions are the constants at the top of the script.",
        "",
        "## Webhook payloads — `webhooks/<event>.<action>.json`",
        "",
        *header(wh, WEBHOOKS_SOURCE_FILE),
        "- transformation: none; each file is the first example in the package whose",
        "  `action` matches, written verbatim (key order preserved, 2-space indent).",
        "  `webhooks/manifest.json` records the example index used and what is missing.",
        "",
        "| file | example index |",
        "| --- | --- |",
        *(f"| `webhooks/{k}.json` | {v} |" for k, v in webhooks.written.items()),
        "",
    ]
    if webhooks.missing:
        lines += ["Requested but not available in this package version:", ""]
        lines += [f"- `{k}`: {why}" for k, why in webhooks.missing.items()]
        lines.append("")
    lines += [
        "## GraphQL schema — `graphql/schema.json.gz`",
        "",
        *header(gq, GRAPHQL_SOURCE_FILE),
        f"- transformation: full, untrimmed introspection result; {graphql_note}.",
        "  Re-serialised as compact JSON with sorted keys, then gzip (level 9, mtime 0).",
        '- load with `graphql.build_client_schema(json.load(gzip.open(path))["data"])`.',
        "",
        "## REST OpenAPI description — `openapi/api.github.com.trimmed.json`",
        "",
        *header(oa, OPENAPI_SOURCE_FILE),
        "- transformation: the plain (with `$ref`s, not dereferenced) description, trimmed",
        f"  to the top-level keys {', '.join(f'`{k}`' for k in OPENAPI_TOP_LEVEL_KEPT)},",
        "  `paths` (only the path items listed below, all their operations) and",
        "  `components` (only the entries those paths reference, transitively, via `$ref`).",
        "  Values are copied unchanged, in source order.",
        "- components kept: "
        + ", ".join(f"{section} {count}" for section, count in openapi_counts.items()),
        "",
        *(f"  - `{p}`" for p in OPENAPI_PATHS),
        "",
    ]
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


# --- Driver -------------------------------------------------------------------------


def generate(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gk-github-fixtures-") as tmp:
        work = Path(tmp)
        pkgs = {
            "webhooks": fetch(*WEBHOOKS_EXAMPLES, work),
            "graphql": fetch(*GRAPHQL_SCHEMA, work),
            "openapi": fetch(*OPENAPI, work),
        }
        stage = work / "out"
        stage.mkdir()
        webhooks = make_webhooks(pkgs["webhooks"], stage)
        graphql_note = make_graphql(pkgs["graphql"], stage)
        openapi_counts = make_openapi(pkgs["openapi"], stage)
        licences = {p.name: copy_license(p, stage) for p in pkgs.values()}
        write_sources(stage, pkgs, licences, webhooks, graphql_note, openapi_counts)

        out.mkdir(parents=True, exist_ok=True)
        for name in MANAGED:
            old = out / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
            shutil.move(str(stage / name), str(old))


def _tree(root: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for name in MANAGED:
        p = root / name
        if p.is_file():
            files[name] = p
        elif p.is_dir():
            files.update({str(f.relative_to(root)): f for f in p.rglob("*") if f.is_file()})
    return files


def check(out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="gk-github-fixtures-check-") as tmp:
        fresh_root = Path(tmp) / "github"
        generate(fresh_root)
        fresh, current = _tree(fresh_root), _tree(out)
        problems = sorted(set(fresh) ^ set(current))
        problems += sorted(
            k
            for k in set(fresh) & set(current)
            if not filecmp.cmp(fresh[k], current[k], shallow=False)
        )
    for name in problems:
        print(f"out of date: {name}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="fixture directory")
    parser.add_argument(
        "--check", action="store_true", help="regenerate into a temp dir and diff; write nothing"
    )
    args = parser.parse_args(argv)
    if args.check:
        return check(args.output)
    generate(args.output)
    for f in sorted(_tree(args.output).values()):
        print(f"{f.stat().st_size:>10}  {f.relative_to(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line: parse options, call the core, map GatekeeperError to exit code 2."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from gatekeeper import __version__
from gatekeeper.errors import GatekeeperError

EXIT_PASS, EXIT_BLOCKED, EXIT_USAGE = 0, 1, 2


class _UserError(click.ClickException):
    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"gatekeeper: error: {self.message}", err=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GatekeeperError as exc:
            raise _UserError(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gatekeeper")
def main() -> None:
    """Gatekeeper: an authority contract and enforcement layer for pull requests.

    Exit codes: 0 pass, 1 blocked, 2 bad usage, configuration or input.
    """


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@main.command()
@click.argument("body", required=False, metavar="[BODY|-]")
@click.argument("paths", nargs=-1, metavar="[PATHS]...")
@click.option("--changed-files", metavar="FILE|-",
              help="Changed paths, one per line; `git diff --name-status` lines also accepted.")
@click.option("--diff", "diff_range", metavar="BASE...HEAD",
              help="Take the changed paths from git diff over this range.")
@click.option("--policy", metavar="FILE",
              help="Policy file. Default: .github/gatekeeper.yml at the git top level, "
                   "else the embedded default.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True)
@click.option("--author", metavar="LOGIN", help="Pull request author, for exemptions.")
@click.option("--decision-file", metavar="FILE", help="Also write the decision record here.")
def validate(
    body: str | None,
    paths: tuple[str, ...],
    changed_files: str | None,
    diff_range: str | None,
    policy: str | None,
    output_format: str,
    author: str | None,
    decision_file: str | None,
) -> None:
    """Decide pass or block for a pull request body and its changed paths."""
    from gatekeeper import resources
    from gatekeeper.adapters import files, git
    from gatekeeper.adapters.policy_source import load_policy
    from gatekeeper.core.decide import evaluate
    from gatekeeper.reporters import ReportContext, reporter_for

    if body is None:
        raise GatekeeperError("give the pull request body as a file, or - for standard input")
    if body == "-" and changed_files == "-":
        raise GatekeeperError("the body and --changed-files cannot both come from standard input")

    cwd = Path.cwd()
    loaded_policy = load_policy(policy, cwd=cwd)
    body_name, body_text = files.read_body(body)
    changes = [files.ChangedPath(path=p) for p in paths]
    if changed_files is not None:
        changes += files.read_changed_files(changed_files)
    if diff_range is not None:
        changes += git.changed_paths(diff_range, cwd=cwd)

    decision = evaluate(
        body_text, changes, loaded_policy,
        contract_schema=resources.schema("contract"),
        evaluated_at=now_utc(), version=__version__, author=author,
    )
    if decision_file:
        write_json_atomically(Path(decision_file), decision.to_record())

    notes = decision.notes
    if not changes:
        notes += ("no changed paths were given, so the class comes from the declared risk "
                 "alone; pass paths, --changed-files or --diff",)
    context = ReportContext(
        out=sys.stdout,
        body_name=body_name,
        color=output_format == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        environ=os.environ,
        notes=notes,
    )
    reporter_for(output_format)(decision, context)
    sys.exit(EXIT_BLOCKED if decision.blocked else EXIT_PASS)


def write_json_atomically(path: Path, data: object) -> None:
    """Write JSON so that readers see the old file or the new one, never half of one."""
    import json
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        with handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise

"""The one registry of output formats: every command's ``--format`` is read from it."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import click
import pytest

from gatekeeper import cli, formats
from gatekeeper.errors import GatekeeperError

COMMANDS = {("validate",): formats.VALIDATE, ("metrics",): formats.METRICS,
            ("replay",): formats.REPLAY, ("explain",): formats.EXPLAIN,
            ("policy", "check"): formats.POLICY_CHECK, ("doctor",): formats.DOCTOR,
            ("metrics", "merge"): formats.METRICS_ORG}


def _format_option(path: tuple[str, ...]) -> click.Option:
    command: click.Command = cli.cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    options = [p for p in command.params if isinstance(p, click.Option) and "--format" in p.opts]
    assert len(options) == 1, f"{' '.join(path)} has no single --format option"
    return options[0]


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_the_command_line_offers_exactly_the_registry(path: tuple[str, ...]) -> None:
    option = _format_option(path)
    registry = COMMANDS[path]
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == registry.names()
    assert option.default == registry.default
    assert option.help == registry.help()


def test_every_command_with_a_format_option_is_in_the_registry() -> None:
    def walk(group: click.Group, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = []
        for name, command in group.commands.items():
            if any("--format" in p.opts for p in command.params if isinstance(p, click.Option)):
                found.append((*prefix, name))
            if isinstance(command, click.Group):
                found += walk(command, (*prefix, name))
        return found

    assert sorted(walk(cli.cli, ())) == sorted(COMMANDS)


def test_no_format_name_is_written_by_hand_in_the_command_line() -> None:
    names = {name for registry in formats.ALL for name in registry.names()}
    folder = Path(inspect.getfile(cli)).parent
    nodes = [node for module in sorted(folder.glob("*.py"))
             for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))]
    assert len(nodes) > 1000
    for node in nodes:
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Choice":
            assert not any(isinstance(a, ast.List) for a in node.args), ast.unparse(node)
        if isinstance(node, ast.keyword) and node.arg == "default":
            value = node.value
            assert not (isinstance(value, ast.Constant) and value.value in names), \
                ast.unparse(node)


@pytest.mark.parametrize("registry", formats.ALL, ids=lambda r: r.command)
def test_every_format_resolves_to_a_function(registry: formats.Formats[object]) -> None:
    for name in registry.names():
        assert callable(registry.renderer(name)), name


def test_an_unknown_format_is_an_error_naming_the_command_and_the_choices() -> None:
    with pytest.raises(GatekeeperError, match=r"replay: unknown output format 'yaml'; use one of "
                                              r"text, json, markdown"):
        formats.REPLAY.renderer("yaml")


def test_a_format_is_one_module_and_one_line() -> None:
    """Adding a renderer to a registry is all it takes for the command line to offer it."""
    extra = formats.Formats[object]("replay", {**formats.REPLAY.targets,
                                               "names": "gatekeeper.replay.json:render"})
    assert extra.names()[-1] == "names"
    assert extra.renderer("names") is formats.REPLAY.renderer("json")


def test_an_organisation_format_is_offered_under_the_same_name_as_its_commands() -> None:
    """doctor --org and metrics --org take the --format of doctor and metrics."""
    assert formats.DOCTOR_ORG.names() == formats.DOCTOR.names()
    assert sorted(formats.METRICS_ORG.names()) == sorted(formats.METRICS.names())
    assert formats.METRICS_ORG.default == formats.METRICS.default

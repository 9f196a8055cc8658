"""The README documents every command, option and config key the bot has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args, get_origin

import click
import yaml
from pydantic import BaseModel

from bot.cli import main
from bot.config import Config

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _options(command: click.Command) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def _models(annotation: object, *, many: bool = False) -> list[tuple[type[BaseModel], bool]]:
    """The models inside a field's type, each with whether it sits in a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(annotation, many)]
    inner_many = many or get_origin(annotation) is list
    return [found for arg in get_args(annotation) for found in _models(arg, many=inner_many)]


def _keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(prefix + name)
        for candidate, many in _models(field.annotation):
            keys.update(_keys(candidate, prefix + name + ("[]." if many else ".")))
    return keys


def test_every_command_and_option_appears_in_the_readme() -> None:
    """Each subcommand and each of its options is named in the README."""
    assert isinstance(main, click.Group)
    missing = [name for name in main.commands if f"`{name}`" not in README]
    for command in [main, *main.commands.values()]:
        missing += [opt for opt in _options(command) if f"`{opt}" not in README]
    assert missing == []


def test_every_action_input_and_output_appears_in_the_readme() -> None:
    """Each input and output of action.yml has a row in the README."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    names = [*action["inputs"], *action["outputs"]]
    assert [name for name in names if f"| `{name}` |" not in README] == []


def test_every_config_key_appears_in_the_config_reference() -> None:
    """Each key of the config model, nested ones included, has a row in the README."""
    rows = set(re.findall(r"^\| `([^`]+)` \|", README, flags=re.MULTILINE))
    assert sorted(_keys(Config) - rows) == []


def test_the_readme_shows_the_two_quickstart_commands_and_ci_runs_the_test_one() -> None:
    """`make run` and `make test` are the quickstart, and .ci/run calls `make test`."""
    assert "make run" in README
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_carries_the_bot_section_markers_once() -> None:
    """The bot's section markers stand on their own lines exactly once each."""
    lines = README.splitlines()
    assert lines.count("<!-- arxiv-bot:start -->") == 1
    assert lines.count("<!-- arxiv-bot:end -->") == 1

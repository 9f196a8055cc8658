"""The composite action and the workflows: GitHub's schemas, zizmor, and the rules they keep.

Everything runs offline: check-jsonschema uses its builtin (vendored) GitHub schemas, zizmor runs
with `--offline`, and both get a dead proxy so that any attempt to fetch something fails loudly
instead of quietly reaching the network. The scripts of the action and of the keep-alive step
are also run for real in bash, with stand-ins for `arxiv-bot` and `gh`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
DAILY = WORKFLOWS / "daily.yml"
CI = WORKFLOWS / "ci.yml"
OURS = [ACTION, DAILY, CI]
ALL_WORKFLOWS = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
BIN = Path(sys.executable).parent

# The pins of reference/FACTS.md: commit SHAs read from the actions' own repositories.
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
}
INPUT_DEFAULTS = {
    "config": "config.yml",
    "date": "",
    "since": "",
    "until": "",
    "publish": "github",
    "notify": "false",
    "token": "${{ github.token }}",
    "python-version": "3.11",
}
OUTPUTS = {"papers", "changed", "commit-sha", "lists"}
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
PINNED = re.compile(r"(?P<name>[\w.-]+/[\w.-]+)(?:/[\w./-]+)?@(?P<sha>[0-9a-f]{40})")
VERSION_COMMENT = re.compile(r"v\d+(?:\.\d+)*")


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    triggers = workflow["on"] if "on" in workflow else workflow[True]
    assert isinstance(triggers, dict)
    return triggers


def _steps(document: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in document:
        yield from document["runs"]["steps"]
        return
    for job in document["jobs"].values():
        yield from job.get("steps", [])


def _step(
    document: dict[Any, Any], *, step_id: str | None = None, uses: str = ""
) -> dict[str, Any]:
    for step in _steps(document):
        if step_id is not None and step.get("id") == step_id:
            return step
        if uses and str(step.get("uses", "")).startswith(uses):
            return step
    raise AssertionError(f"no step with id={step_id!r} uses={uses!r}")


def _is_local(ref: str) -> bool:
    return ref.startswith(("./", "$/"))


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(
            f"{name} is not installed in {BIN} (install the dev extras: pip install -e '.[dev]')"
        )
    return path


def _offline_env() -> dict[str, str]:
    """The environment minus GitHub tokens, with a dead proxy so that no fetch can succeed."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN", "NO_PROXY", "no_proxy"}
    }
    dead = "http://127.0.0.1:9"
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[key] = dead
    return env


def _run_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=ROOT,
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _bash(script: str, env: dict[str, str], path_dirs: list[Path] | None = None) -> Any:
    """Run a step's script the way GitHub runs `shell: bash`."""
    search = [str(d) for d in path_dirs or []] + [os.environ.get("PATH", "/usr/bin:/bin")]
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        env={"PATH": os.pathsep.join(search), **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o700)
    return path


# --- GitHub's schemas and zizmor ------------------------------------------------------------


def test_action_matches_githubs_action_schema() -> None:
    """action.yml validates against check-jsonschema's builtin GitHub action schema."""
    result = _run_tool(
        _tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", ACTION
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workflow", ALL_WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_githubs_workflow_schema(workflow: Path) -> None:
    """Each workflow validates against check-jsonschema's builtin GitHub workflow schema."""
    result = _run_tool(
        _tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", workflow
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    """zizmor, offline and with no config file to disable rules, reports no finding at all."""
    result = _run_tool(
        _tool("zizmor"),
        "--offline",
        "--no-config",
        "--no-progress",
        "--color",
        "never",
        ACTION,
        WORKFLOWS,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_the_workflows_this_test_knows_are_the_ones_checked() -> None:
    """The schema checks above cover both shipped workflows (the glob found them)."""
    assert {DAILY, CI} <= set(ALL_WORKFLOWS)


# --- Rules for every file -------------------------------------------------------------------


@pytest.mark.parametrize("path", [ACTION, *ALL_WORKFLOWS], ids=lambda path: path.name)
def test_no_expression_inside_any_run_script(path: Path) -> None:
    """No `run:` script holds `${{ }}`: values reach scripts only through `env:` (no injection)."""
    for step in _steps(_load(path)):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}: step {step.get('name')!r}"


@pytest.mark.parametrize("path", [ACTION, *ALL_WORKFLOWS], ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_a_version_comment(path: Path) -> None:
    """Each non-local `uses:` names a 40-hex commit and says its version in a comment."""
    lines = [m for line in path.read_text("utf-8").splitlines() if (m := USES_LINE.match(line))]
    parsed = [str(step["uses"]) for step in _steps(_load(path)) if "uses" in step]
    assert [m["ref"] for m in lines] == parsed, "every `uses:` must be a plain one-line value"
    for match in lines:
        ref, comment = match["ref"], match["comment"] or ""
        if _is_local(ref):
            continue
        pinned = PINNED.fullmatch(ref)
        assert pinned, f"{path.name}: {ref} is not pinned to a full commit SHA"
        assert VERSION_COMMENT.fullmatch(comment.strip()), f"{path.name}: {ref} lacks `# vX.Y.Z`"
        if pinned["name"] in PINS:
            assert (pinned["sha"], comment.strip()) == PINS[pinned["name"]], ref


@pytest.mark.parametrize("path", [DAILY, CI], ids=lambda path: path.name)
def test_checkout_keeps_no_credentials(path: Path) -> None:
    """Every checkout sets persist-credentials: false, so no token is left in .git/config."""
    steps = _steps(_load(path))
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", [DAILY, CI], ids=lambda path: path.name)
def test_every_job_has_a_timeout(path: Path) -> None:
    """Each job bounds its run time, so a hang cannot burn six hours of runner time."""
    for job in _load(path)["jobs"].values():
        assert isinstance(job.get("timeout-minutes"), int)
        assert 0 < job["timeout-minutes"] <= 60


# --- action.yml -----------------------------------------------------------------------------


def test_action_inputs_have_descriptions_and_the_agreed_defaults() -> None:
    """Every input has a description and a default, and the defaults are the documented ones."""
    inputs = _load(ACTION)["inputs"]
    assert set(inputs) == set(INPUT_DEFAULTS)
    for name, spec in inputs.items():
        assert str(spec.get("description", "")).strip(), f"input {name} has no description"
        assert "default" in spec, f"input {name} has no default"
        assert str(spec["default"]) == INPUT_DEFAULTS[name], name


def test_action_outputs_come_from_the_run_step() -> None:
    """papers, changed, commit-sha and lists are mapped from the outputs of the step `run`."""
    action = _load(ACTION)
    outputs = action["outputs"]
    assert set(outputs) == OUTPUTS
    for name, spec in outputs.items():
        assert str(spec.get("description", "")).strip(), f"output {name} has no description"
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
    assert "arxiv-bot" in _step(action, step_id="run")["run"]


def test_action_is_composite_and_every_script_runs_in_bash() -> None:
    """The action is composite and each `run:` step declares `shell: bash`."""
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    scripts = [step for step in _steps(action) if "run" in step]
    assert len(scripts) >= 3
    for step in scripts:
        assert step.get("shell") == "bash", step.get("name")


def test_action_gives_the_token_to_the_bot_step_only() -> None:
    """`inputs.token` reaches only the bot's step, as GITHUB_TOKEN, and that step masks it."""
    action = _load(ACTION)
    run = _step(action, step_id="run")
    assert ("GITHUB_TOKEN", "${{ inputs.token }}") in run["env"].items()
    assert "::add-mask::$GITHUB_TOKEN" in run["run"]
    for step in _steps(action):
        if step is run:
            continue
        assert "inputs.token" not in yaml.safe_dump(step), step.get("name")
        assert not {"GITHUB_TOKEN", "GH_TOKEN"} & set(step.get("env", {})), step.get("name")


def test_action_sets_up_its_own_python_without_touching_the_callers_path() -> None:
    """setup-python runs with update-environment false and its python-path builds the venv."""
    action = _load(ACTION)
    setup = _step(action, uses="actions/setup-python@")
    assert setup.get("id")
    assert setup["with"]["update-environment"] in (False, "false")
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    assert "cache" not in setup["with"]  # no shared pip cache to poison
    install = next(s for s in _steps(action) if "pip install" in s.get("run", ""))
    env = install["env"]
    assert env["PYTHON"] == f"${{{{ steps.{setup['id']}.outputs.python-path }}}}"
    assert env["BOT_SOURCE"] == "${{ github.action_path }}"
    assert env["VENV_DIR"].startswith("${{ runner.temp }}/")
    assert '"$PYTHON" -m venv' in install["run"]
    assert "pip install" in install["run"]
    assert '"$BOT_SOURCE"' in install["run"]
    assert '--constraint "$BOT_SOURCE/constraints.txt"' in install["run"]
    assert _step(action, step_id="run")["env"]["VENV_DIR"] == env["VENV_DIR"]


def _check_inputs(publish: str = "github", notify: str = "false", date: str = "") -> Any:
    script = _load(ACTION)["runs"]["steps"][0]["run"]
    return _bash(script, {"INPUT_PUBLISH": publish, "INPUT_NOTIFY": notify, "INPUT_DATE": date})


@pytest.mark.parametrize("publish", ["github", "git", "none"])
def test_action_accepts_each_publish_mode(publish: str) -> None:
    """The input check lets github, git and none through."""
    result = _check_inputs(publish=publish, notify="true", date="2026-11-20")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_action_rejects_an_unknown_publish_mode_with_an_error_annotation() -> None:
    """A wrong `publish` fails the step with an ::error:: that names the three modes."""
    result = _check_inputs(publish="gihub")
    assert result.returncode != 0
    assert result.stdout.startswith("::error")
    assert "'gihub'" in result.stdout
    for mode in ("github", "git", "none"):
        assert mode in result.stdout


@pytest.mark.parametrize(
    ("notify", "date"), [("yes", ""), ("false", "20/11/2026"), ("false", "2026-11-20 --dry-run")]
)
def test_action_rejects_a_wrong_notify_or_date(notify: str, date: str) -> None:
    """A notify that is not true/false, or a date not written YYYY-MM-DD, fails with ::error::."""
    result = _check_inputs(notify=notify, date=date)
    assert result.returncode != 0
    assert result.stdout.startswith("::error")


def test_action_error_cannot_smuggle_a_workflow_command() -> None:
    """A newline in a bad input is escaped, so it cannot start a second workflow command."""
    result = _check_inputs(publish="x\n::add-mask::y\r::warning::z%")
    assert result.returncode != 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("::error")
    assert "x%0A::add-mask::y%0D::warning::z%25" in lines[0]


def _run_bot(tmp_path: Path, **inputs: str) -> Any:
    """Run the action's bot step with a stand-in arxiv-bot that prints its arguments."""
    venv = tmp_path / "venv"
    _executable(venv / "bin" / "arxiv-bot", "#!/bin/sh\nprintf 'arg=%s\\n' \"$@\"\n")
    env = {
        "VENV_DIR": str(venv),
        "INPUT_CONFIG": "config.yml",
        "INPUT_DATE": "",
        "INPUT_PUBLISH": "github",
        "INPUT_NOTIFY": "false",
        "GITHUB_TOKEN": "ghs_secret",
        **inputs,
    }
    return _bash(_step(_load(ACTION), step_id="run")["run"], env)


def _args(stdout: str) -> list[str]:
    return [line.removeprefix("arg=") for line in stdout.splitlines() if line.startswith("arg=")]


def test_bot_step_builds_the_command_from_the_inputs(tmp_path: Path) -> None:
    """Defaults give `run --config config.yml --publish github`; no --date, no --notify."""
    result = _run_bot(tmp_path)
    assert result.returncode == 0, result.stderr
    assert _args(result.stdout) == ["run", "--config", "config.yml", "--publish", "github"]
    assert "::add-mask::ghs_secret" in result.stdout


def test_bot_step_adds_date_and_notify_and_keeps_odd_paths_whole(tmp_path: Path) -> None:
    """A date adds --date, notify 'true' adds --notify, and a path with spaces stays one word."""
    result = _run_bot(
        tmp_path,
        INPUT_CONFIG="my lists/config.yml",
        INPUT_DATE="2026-11-20",
        INPUT_PUBLISH="none",
        INPUT_NOTIFY="true",
    )
    assert result.returncode == 0, result.stderr
    assert _args(result.stdout) == [
        "run", "--config", "my lists/config.yml", "--publish", "none",
        "--date", "2026-11-20", "--notify",
    ]  # fmt: skip


def test_bot_step_without_a_token_fails_clearly_when_the_api_is_needed(tmp_path: Path) -> None:
    """An empty token with publish github stops with an ::error:: before the bot runs."""
    result = _run_bot(tmp_path, GITHUB_TOKEN="")
    assert result.returncode == 2
    assert result.stdout.startswith("::error")
    assert _args(result.stdout) == []


def test_bot_step_without_a_token_runs_when_no_api_is_needed(tmp_path: Path) -> None:
    """An empty token is fine for publish none without notify, and nothing is masked."""
    result = _run_bot(tmp_path, GITHUB_TOKEN="", INPUT_PUBLISH="none")
    assert result.returncode == 0, result.stderr
    assert "::add-mask::" not in result.stdout
    assert _args(result.stdout)[:1] == ["run"]


def test_bot_step_passes_on_the_bots_exit_status(tmp_path: Path) -> None:
    """When arxiv-bot fails (exit 1), the step fails with the same status."""
    venv = tmp_path / "venv"
    _executable(venv / "bin" / "arxiv-bot", "#!/bin/sh\nexit 1\n")
    env = {
        "VENV_DIR": str(venv),
        "INPUT_CONFIG": "config.yml",
        "INPUT_DATE": "",
        "INPUT_PUBLISH": "github",
        "INPUT_NOTIFY": "true",
        "GITHUB_TOKEN": "t",
    }
    assert _bash(_step(_load(ACTION), step_id="run")["run"], env).returncode == 1


# --- daily.yml ------------------------------------------------------------------------------


def test_daily_is_named_and_scheduled_at_an_odd_minute() -> None:
    """The schedule avoids the top of the hour (GitHub delays or drops those) with an odd minute."""
    daily = _load(DAILY)
    assert daily["name"] == "Daily arXiv lists"
    schedules = _triggers(daily)["schedule"]
    assert schedules
    for entry in schedules:
        minute, hour, *_ = entry["cron"].split()
        assert int(minute) != 0
        assert int(minute) % 2 == 1
        # After arXiv's announcement has reached the API (midnight US Eastern = 05:00 UTC in
        # winter), and early enough that the day's list is there in the European morning.
        assert 5 <= int(hour) <= 9


def test_daily_can_be_run_by_hand_for_one_date() -> None:
    """workflow_dispatch takes an optional string `date` and passes it to the action."""
    daily = _load(DAILY)
    date_input = _triggers(daily)["workflow_dispatch"]["inputs"]["date"]
    assert date_input["required"] is False
    assert date_input["type"] == "string"
    assert "YYYY-MM-DD" in date_input["description"]
    bot = _step(daily, step_id="bot")
    assert bot["with"]["date"] == "${{ inputs.date }}"


def test_daily_permissions_are_the_three_the_design_names_each_explained() -> None:
    """Nothing at the top; the one job asks contents, issues and actions write, each commented."""
    daily = _load(DAILY)
    assert daily["permissions"] == {}
    assert len(daily["jobs"]) == 1
    (job,) = daily["jobs"].values()
    assert job["permissions"] == {"contents": "write", "issues": "write", "actions": "write"}
    text = DAILY.read_text("utf-8")
    for scope in ("contents", "issues", "actions"):
        assert re.search(rf"^\s+{scope}: write\s+#\s*\S.{{10,}}$", text, re.MULTILINE), scope


def test_daily_concurrency_never_cancels_a_run_in_progress() -> None:
    """Runs queue in one group and a run in progress (maybe mid-commit) is never cancelled."""
    daily = _load(DAILY)
    assert daily["concurrency"] == {"group": "arxiv-lists", "cancel-in-progress": False}
    for job in daily["jobs"].values():
        assert "concurrency" not in job


def test_daily_runs_the_repositorys_own_action_to_publish_and_notify() -> None:
    """After the checkout, the job runs this repository's action with publish github, notify."""
    daily = _load(DAILY)
    (job,) = daily["jobs"].values()
    uses = [str(step.get("uses", "")) for step in job["steps"]]
    bot = _step(daily, step_id="bot")
    assert _is_local(bot["uses"])
    assert bot["uses"] in ("$/", "./")
    assert uses.index(bot["uses"]) > next(
        i for i, ref in enumerate(uses) if ref.startswith("actions/checkout@")
    )
    assert bot["with"]["publish"] == "github"
    assert bot["with"]["notify"] in (True, "true")
    assert "token" not in bot["with"]  # the default, github.token, with the job's permissions


def _keep_alive() -> dict[str, Any]:
    return next(s for s in _steps(_load(DAILY)) if "gh api" in s.get("run", ""))


def test_daily_keep_alive_uses_the_enable_api_with_the_job_token() -> None:
    """The keep-alive calls PUT …/enable with GH_TOKEN from github.token, even after a failure."""
    step = _keep_alive()
    assert step["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert "--method PUT" in step["run"]
    assert "/enable" in step["run"]
    assert "!cancelled()" in step["if"]


def test_keep_alive_re_enables_its_own_workflow_file(tmp_path: Path) -> None:
    """Run with a stand-in gh, it calls PUT repos/<repo>/actions/workflows/daily.yml/enable."""
    log = tmp_path / "gh.log"
    _executable(tmp_path / "bin" / "gh", f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n")
    env = {
        "GH_TOKEN": "t",
        "GITHUB_REPOSITORY": "someone/awesome-arxiv",
        "GITHUB_WORKFLOW_REF": "someone/awesome-arxiv/.github/workflows/daily.yml@refs/heads/main",
    }
    result = _bash(_keep_alive()["run"], env, [tmp_path / "bin"])
    assert result.returncode == 0, result.stderr
    assert "::warning" not in result.stdout
    expected = "api --method PUT repos/someone/awesome-arxiv/actions/workflows/daily.yml/enable"
    assert log.read_text("utf-8").splitlines() == [expected]


def test_keep_alive_failure_is_a_warning_with_the_fix_not_a_failed_job(tmp_path: Path) -> None:
    """When the API call fails, the step still succeeds and prints a ::warning:: naming the fix."""
    _executable(tmp_path / "bin" / "gh", "#!/bin/sh\necho 'HTTP 403' >&2\nexit 1\n")
    env = {"GH_TOKEN": "t", "GITHUB_REPOSITORY": "someone/awesome-arxiv", "GITHUB_WORKFLOW_REF": ""}
    result = _bash(_keep_alive()["run"], env, [tmp_path / "bin"])
    assert result.returncode == 0
    assert result.stdout.startswith("::warning")
    assert "daily.yml" in result.stdout  # the fallback name when the ref is unknown
    assert "actions: write" in result.stdout
    assert "Enable workflow" in result.stdout


# --- ci.yml ---------------------------------------------------------------------------------


def test_ci_runs_make_test_on_push_and_pull_request_read_only() -> None:
    """CI runs `make test` on push and pull_request with a read-only token."""
    ci = _load(CI)
    assert {"push", "pull_request"} <= set(_triggers(ci))
    assert ci["permissions"] == {"contents": "read"}
    for job in ci["jobs"].values():
        assert "permissions" not in job
    assert any(step.get("run", "").strip() == "make test" for step in _steps(ci))
    assert _step(ci, uses="actions/setup-python@")["with"]["python-version"]


def test_ci_cancels_only_superseded_pull_request_runs() -> None:
    """CI's concurrency cancels a run only for a newer push to the same pull request."""
    concurrency = _load(CI)["concurrency"]
    assert "pull_request" in str(concurrency["cancel-in-progress"])
    assert "github.event.pull_request.number" in concurrency["group"]


# --- back-fill by hand --------------------------------------------------------------------------


def test_bot_step_back_fills_when_since_is_given(tmp_path: Path) -> None:
    """`since` (and `until`) switch the action to `backfill`; `date` and `notify` do not apply."""
    result = _run_bot(tmp_path, INPUT_SINCE="2026-10-01", INPUT_UNTIL="2026-10-31",
                      INPUT_NOTIFY="true")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _args(result.stdout) == [
        "backfill", "--config", "config.yml", "--publish", "github",
        "--since", "2026-10-01", "--until", "2026-10-31",
    ]  # fmt: skip
    result = _run_bot(tmp_path, INPUT_SINCE="2026-10-01")
    assert _args(result.stdout)[-2:] == ["--since", "2026-10-01"]


@pytest.mark.parametrize(
    ("inputs", "title"),
    [
        ({"INPUT_SINCE": "1/10/2026"}, "Invalid input since"),
        ({"INPUT_SINCE": "2026-10-01", "INPUT_UNTIL": "yesterday"}, "Invalid input until"),
        ({"INPUT_UNTIL": "2026-10-31"}, "Input until without since"),
        ({"INPUT_SINCE": "2026-10-01", "INPUT_DATE": "2026-11-20"}, "Inputs date and since"),
    ],
)
def test_action_rejects_a_wrong_back_fill_span(inputs: dict[str, str], title: str) -> None:
    """A since or until not written YYYY-MM-DD, an until alone, or date with since: ::error::."""
    script = _load(ACTION)["runs"]["steps"][0]["run"]
    env = {"INPUT_PUBLISH": "github", "INPUT_NOTIFY": "false", "INPUT_DATE": "", **inputs}
    result = _bash(script, env)
    assert result.returncode != 0
    assert result.stdout.startswith(f"::error title={title}")


def test_daily_can_back_fill_by_hand() -> None:
    """workflow_dispatch takes optional string `since` and `until` and passes them on."""
    daily = _load(DAILY)
    inputs = _triggers(daily)["workflow_dispatch"]["inputs"]
    bot = _step(daily, step_id="bot")
    for name in ("since", "until"):
        assert inputs[name]["required"] is False
        assert inputs[name]["type"] == "string"
        assert "YYYY-MM-DD" in inputs[name]["description"]
        assert bot["with"][name] == f"${{{{ inputs.{name} }}}}"

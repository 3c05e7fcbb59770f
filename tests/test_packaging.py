"""The project's install files agree with each other and with the README."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import REPO


def _name(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda: dict[str, str] = {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            conda.update(_name(s) for s in item["pip"])
        else:
            name, bound = _name(item)
            if name not in {"python", "pip", "quarto"}:
                conda[name] = bound
    assert conda == wanted
    assert "conda-forge" in env["channels"]
    assert any(str(d).startswith("quarto") for d in env["dependencies"])


def test_readme_quick_start_and_ci_use_the_same_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(make \w+)", quick, flags=re.M)
    assert commands == ["make study", "make test"]
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_makefile_creates_venv_with_stdlib_and_installs_extras():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-m venv" in makefile
    assert "pip install" in makefile and "[test]" in makefile

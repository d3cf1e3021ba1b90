"""docs/peers.md documents every peers command and option, and its examples run."""

from __future__ import annotations

import re

import typer.main

from joinedup.cli import app
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "peers.md").read_text()


def _peers_group():
    return typer.main.get_command(app).commands["peers"]


def test_every_command_and_option_is_documented():
    for name, cmd in _peers_group().commands.items():
        assert f"joinedup peers {name}" in DOC, name
        for param in cmd.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in DOC, (name, opt)


def test_the_examples_run(run_cli, peer_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = re.findall(r"^joinedup (peers [^#\n]+?)\s*(?:#.*)?$", DOC, flags=re.M)
    assert len(examples) >= 6
    for line in examples:
        args = line.split()
        if args[1] != "import":
            args += ["--db", str(peer_store)]
        code, _, err = run_cli(*args)
        assert code == 0, (line, err)

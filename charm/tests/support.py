"""Shared test plumbing: the module under test and a hook environment served by fake hook tools."""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest.mock

TESTS = os.path.dirname(os.path.abspath(__file__))
CHARM = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
GOLDEN = os.path.join(TESTS, "golden")
MODULE = os.path.join(CHARM, "pgsql_relation_state.py")
TOOLS = ("relation-ids", "relation-list", "relation-get", "leader-get", "is-leader", "secret-get")

sys.path.insert(0, CHARM)

import pgsql_relation_state  # noqa: E402  (found through the path set above)


def fixture_names():
    return sorted(name[:-len(".json")] for name in os.listdir(FIXTURES) if name.endswith(".json"))


def load_fixture(name):
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as source:
        return json.load(source)


class HookEnvironment:
    """A hook's environment: fake hook tools first on PATH, serving ``fixture``, and its JUJU_* vars."""

    def __init__(self, fixture):
        self.fixture = fixture

    def __enter__(self):
        self.directory = tempfile.mkdtemp(prefix="fake-hook-tools-")
        bin_directory = os.path.join(self.directory, "bin")
        os.mkdir(bin_directory)
        for tool in TOOLS:
            script = os.path.join(bin_directory, tool)
            with open(script, "w", encoding="utf-8") as out:
                out.write('#!/bin/sh\nexec "{}" "{}" {} "$@"\n'.format(
                    sys.executable, os.path.join(TESTS, "fake_hook_tools.py"), tool))
            os.chmod(script, 0o755)
        fixture_path = os.path.join(self.directory, "fixture.json")
        with open(fixture_path, "w", encoding="utf-8") as out:
            json.dump(self.fixture, out)
        self.log = os.path.join(self.directory, "calls.log")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("JUJU_")}
        environment.update(self.fixture.get("env", {}))
        environment["PATH"] = bin_directory + os.pathsep + os.environ.get("PATH", "")
        environment["FAKE_HOOK_TOOLS_FIXTURE"] = fixture_path
        environment["FAKE_HOOK_TOOLS_LOG"] = self.log
        self.environment = environment
        self.patch = unittest.mock.patch.dict(os.environ, environment, clear=True)
        self.patch.start()
        return self

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as source:
            return [json.loads(line) for line in source]

    def __exit__(self, *exc):
        self.patch.stop()
        shutil.rmtree(self.directory)
        return False


def render_scenario(name):
    """The state file bytes the module produces for a fixture.

    A fixture's ``export`` names the endpoints (``{"database": "postgresql_client"}``) and the
    request given for units that cannot read their application's bag; without it, ``db`` (pgsql).
    """
    fixture = load_fixture(name)
    if "resolved" in fixture:
        relations = [pgsql_relation_state.resolved_relation(**r) for r in fixture["resolved"]]
        return pgsql_relation_state.render_document(relations)
    export = fixture.get("export", {})
    # Warnings (a secret not readable yet) belong to the tests that check them.
    with HookEnvironment(fixture), contextlib.redirect_stderr(io.StringIO()):
        return pgsql_relation_state.render_raw(export.get("endpoints", "db"), requested=export.get("requested"))

"""The module's output for every fixture, byte for byte against charm/tests/golden/<scenario>.json.

After a deliberate change to the output, regenerate the golden files with
``PGSQL_RELATION_STATE_REGENERATE=1 python3 -m unittest discover -s charm/tests`` and review the diff.
The ``<scenario>.outcome.json`` files are written by hand: what a reader of the state file must
conclude for the endpoint they name (``endpoint``, default ``db``); they are checked here against
the interfaces' readiness rules. ``tls`` (default false) says whether the master connection
verifies the server with the relation's CA.
"""

import json
import os
import unittest

from protocol_rules import outcome
from support import GOLDEN, fixture_names, render_scenario

REGENERATE = os.environ.get("PGSQL_RELATION_STATE_REGENERATE") == "1"
OUTCOME_KEYS = {"status", "master_host", "standby_hosts", "database", "version"}
OPTIONAL_OUTCOME_KEYS = {"endpoint": "db", "tls": False}


def load_outcome(name):
    with open(os.path.join(GOLDEN, name + ".outcome.json"), encoding="utf-8") as source:
        return json.load(source)


class GoldenFileTests(unittest.TestCase):

    def test_every_fixture_renders_exactly_its_golden_file(self):
        for name in fixture_names():
            with self.subTest(scenario=name):
                actual = render_scenario(name)
                golden = os.path.join(GOLDEN, name + ".json")
                if REGENERATE:
                    with open(golden, "wb") as out:
                        out.write(actual)
                with open(golden, "rb") as source:
                    self.assertEqual(source.read().decode("utf-8"), actual.decode("utf-8"))

    def test_every_golden_file_has_a_fixture_and_an_outcome(self):
        names = set(fixture_names())
        for entry in os.listdir(GOLDEN):
            scenario = entry[:-len(".outcome.json")] if entry.endswith(".outcome.json") else entry[:-len(".json")]
            with self.subTest(file=entry):
                self.assertIn(scenario, names)
        for name in names:
            with self.subTest(scenario=name):
                self.assertTrue(os.path.exists(os.path.join(GOLDEN, name + ".outcome.json")))

    def test_every_outcome_follows_the_protocol_rules(self):
        for name in fixture_names():
            with self.subTest(scenario=name):
                expected = dict(OPTIONAL_OUTCOME_KEYS, **load_outcome(name))
                with open(os.path.join(GOLDEN, name + ".json"), encoding="utf-8") as source:
                    document = json.load(source)
                self.assertEqual(set(expected), OUTCOME_KEYS | set(OPTIONAL_OUTCOME_KEYS))
                endpoint = expected.pop("endpoint")
                self.assertEqual(expected, outcome(document, endpoint))

    def test_golden_files_cover_every_outcome_status(self):
        statuses = {load_outcome(name)["status"] for name in fixture_names()}
        self.assertEqual(statuses, {"READY", "NOT_READY", "AMBIGUOUS", "NO_RELATION"})

    def test_postgresql_client_files_cover_their_statuses_and_tls(self):
        outcomes = [load_outcome(name) for name in fixture_names() if name.startswith("postgresql-client-")]
        self.assertEqual({o["status"] for o in outcomes}, {"READY", "NOT_READY", "NO_RELATION"})
        self.assertEqual({o["endpoint"] for o in outcomes}, {"database"})
        self.assertEqual({o["tls"] for o in outcomes}, {True, False})


if __name__ == "__main__":
    unittest.main()

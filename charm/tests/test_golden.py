"""The module's output for every fixture, byte for byte against charm/tests/golden/<scenario>.json.

After a deliberate change to the output, regenerate the golden files with
``PGSQL_RELATION_STATE_REGENERATE=1 python3 -m unittest discover -s charm/tests`` and review the diff.
The ``<scenario>.outcome.json`` files are written by hand: what a reader of the state file must
conclude for endpoint ``db``; they are checked here against the protocol's readiness rules.
"""

import json
import os
import unittest

from protocol_rules import outcome
from support import GOLDEN, fixture_names, render_scenario

REGENERATE = os.environ.get("PGSQL_RELATION_STATE_REGENERATE") == "1"
OUTCOME_KEYS = {"status", "master_host", "standby_hosts", "database", "version"}


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
                with open(os.path.join(GOLDEN, name + ".outcome.json"), encoding="utf-8") as source:
                    expected = json.load(source)
                with open(os.path.join(GOLDEN, name + ".json"), encoding="utf-8") as source:
                    document = json.load(source)
                self.assertEqual(set(expected), OUTCOME_KEYS)
                self.assertEqual(expected, outcome(document))

    def test_golden_files_cover_every_outcome_status(self):
        statuses = set()
        for name in fixture_names():
            with open(os.path.join(GOLDEN, name + ".outcome.json"), encoding="utf-8") as source:
                statuses.add(json.load(source)["status"])
        self.assertEqual(statuses, {"READY", "NOT_READY", "AMBIGUOUS", "NO_RELATION"})


if __name__ == "__main__":
    unittest.main()

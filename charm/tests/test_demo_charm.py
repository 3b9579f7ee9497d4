"""The example charm, read as source: ops is not installed here, so it is checked without importing it."""

import ast
import os
import unittest

from support import CHARM

DEMO = os.path.join(CHARM, "demo-app-charm")


def read(*path):
    with open(os.path.join(DEMO, *path), encoding="utf-8") as source:
        return source.read()


class DemoCharmTests(unittest.TestCase):

    def setUp(self):
        self.tree = ast.parse(read("src", "charm.py"))

    def observed_events(self):
        events = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "on":
                events.add(node.attr)
        return events

    def test_it_requires_one_pgsql_relation_named_db(self):
        self.assertIn("requires:\n  db:\n    interface: pgsql\n    limit: 1\n", read("charmcraft.yaml"))

    def test_it_exports_on_every_hook_that_can_change_the_relation(self):
        self.assertLessEqual({"db_relation_joined", "db_relation_changed", "db_relation_departed",
                              "db_relation_broken", "leader_settings_changed", "upgrade_charm", "config_changed"},
                             self.observed_events())
        calls = {node.func.attr for node in ast.walk(self.tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and isinstance(node.func.value, ast.Name) and node.func.value.id == "pgsql_relation_state"}
        self.assertEqual(calls, {"export_raw"})

    def test_the_library_observes_the_relation_before_the_exporter(self):
        source = read("src", "charm.py")
        self.assertLess(source.index('pgsql.PostgreSQLClient(self, "db")'), source.index("self.on.db_relation_joined"))

    def test_the_workload_is_pointed_at_the_state_file(self):
        source = read("src", "charm.py")
        self.assertIn("Environment=PGSQL_RELATION_STATE_FILE={state_file}", source)
        self.assertIn('STATE_FILE = HOME / "pgsql-relation-state.json"', source)


if __name__ == "__main__":
    unittest.main()

"""The example charm, read as source: ops is not installed here, so it is checked without importing it."""

import ast
import os
import subprocess
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

    def test_it_requires_one_pgsql_relation_named_db_and_one_postgresql_client_relation_named_database(self):
        self.assertIn("requires:\n  db:\n    interface: pgsql\n    limit: 1\n"
                      "  database:\n    interface: postgresql_client\n    limit: 1\n", read("charmcraft.yaml"))

    def test_the_data_platform_library_is_fetched_by_charmcraft_not_kept_in_the_repository(self):
        self.assertIn("charm-libs:\n  - lib: data_platform_libs.data_interfaces\n    version: \"0\"\n",
                      read("charmcraft.yaml"))
        self.assertIn("lib/charms/", read(".gitignore").splitlines())
        self.assertFalse(self.tracked("lib/charms"))
        self.assertIn("from charms.data_platform_libs.v0.data_interfaces import DatabaseRequires",
                      read("src", "charm.py"))

    def tracked(self, path):
        listed = subprocess.run(["git", "ls-files", path], cwd=DEMO, stdout=subprocess.PIPE, check=False)
        return bool(listed.stdout.strip())

    def test_it_exports_on_every_hook_that_can_change_a_relation_or_its_secrets(self):
        self.assertLessEqual({"db_relation_joined", "db_relation_changed", "db_relation_departed",
                              "db_relation_broken", "database_relation_created", "database_relation_joined",
                              "database_relation_changed", "database_relation_departed", "database_relation_broken",
                              "secret_changed", "leader_settings_changed", "leader_elected", "upgrade_charm",
                              "config_changed"},
                             self.observed_events())
        calls = {node.func.attr for node in ast.walk(self.tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                 and isinstance(node.func.value, ast.Name) and node.func.value.id == "pgsql_relation_state"}
        self.assertEqual(calls, {"export_raw"})

    def test_the_libraries_observe_the_relations_before_the_exporter(self):
        source = read("src", "charm.py")
        self.assertLess(source.index('pgsql.PostgreSQLClient(self, "db")'), source.index("self.on.db_relation_joined"))
        self.assertLess(source.index('DatabaseRequires(self, relation_name="database"'),
                        source.index("self.on.database_relation_created"))

    def test_both_endpoints_are_exported_with_their_interfaces_and_the_request_the_library_gets(self):
        source = read("src", "charm.py")
        self.assertIn('ENDPOINTS = {"database": pgsql_relation_state.POSTGRESQL_CLIENT, "db": pgsql_relation_state.PGSQL}',
                      source)
        self.assertIn('database_name=self.config["database"]', source)
        self.assertIn('requested={"database": self.config["database"]}', source)
        export = [node for node in ast.walk(self.tree) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Attribute) and node.func.attr == "export_raw"]
        self.assertEqual(len(export), 1)
        self.assertEqual(ast.unparse(export[0].args[0]), "ENDPOINTS")

    def test_the_workload_is_pointed_at_the_state_file(self):
        source = read("src", "charm.py")
        self.assertIn("Environment=PGSQL_RELATION_STATE_FILE={state_file}", source)
        self.assertIn("Environment=PGSQL_RELATION_ENDPOINT={endpoint}", source)
        self.assertIn('STATE_FILE = HOME / "pgsql-relation-state.json"', source)


if __name__ == "__main__":
    unittest.main()

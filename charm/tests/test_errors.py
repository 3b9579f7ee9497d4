"""Failures of the hook tools are reported with the command, exit code and stderr, never a bag's content."""

import os
import tempfile
import unittest
import unittest.mock

from support import HookEnvironment, load_fixture, pgsql_relation_state as state

PASSWORD = "Xq3vTn8sLw"


class HookToolErrorTests(unittest.TestCase):

    def render_failing(self, fixture):
        with HookEnvironment(fixture):
            with self.assertRaises(state.HookToolError) as raised:
                state.render_raw("db")
        return str(raised.exception)

    def test_a_failing_tool_is_named_with_its_exit_code_and_stderr(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["failures"] = [{"tool": "relation-get", "argv-contains": "postgresql/1", "exit": 2,
                                "stderr": "ERROR permission denied\n"}]
        message = self.render_failing(fixture)
        self.assertEqual(message, "relation-get --format=json -r 10 - postgresql/1 failed with exit code 2: "
                                  "ERROR permission denied")

    def test_passwords_on_stderr_are_masked(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["failures"] = [{"tool": "relation-get", "argv-contains": "postgresql/0", "exit": 1,
                                "stderr": "ERROR bad value master=dbname=myapp password={} port=5432 and "
                                          "postgresql://relation-10:{}@10.0.0.5/myapp".format(PASSWORD, PASSWORD)}]
        message = self.render_failing(fixture)
        self.assertNotIn(PASSWORD, message)
        self.assertIn("password=******", message)
        self.assertIn("postgresql://relation-10:******@10.0.0.5", message)

    def test_output_that_is_not_json_is_reported_without_its_content(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["raw-output"] = [{"tool": "relation-get", "argv-contains": "postgresql/0",
                                  "stdout": "master: dbname=myapp password={}\n".format(PASSWORD)}]
        message = self.render_failing(fixture)
        self.assertTrue(message.startswith("relation-get --format=json -r 10 - postgresql/0 printed output "
                                           "that is not JSON"), message)
        self.assertNotIn(PASSWORD, message)

    def test_a_bag_value_that_is_not_a_string_is_named_by_its_key_only(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["raw-output"] = [{"tool": "relation-get", "argv-contains": "postgresql/0",
                                  "stdout": '{"password": ["%s"]}' % PASSWORD}]
        message = self.render_failing(fixture)
        self.assertIn("not a string for key 'password'", message)
        self.assertNotIn(PASSWORD, message)

    def test_a_relation_id_juju_does_not_know_fails_with_juju_s_message(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["endpoints"]["db"] = [10, 11]
        message = self.render_failing(fixture)
        self.assertEqual(message, 'relation-list --format=json -r 11 failed with exit code 2: '
                                  'ERROR invalid value "11" for option -r: relation not found')

    def test_missing_hook_tools_say_so(self):
        with HookEnvironment(load_fixture("canonical-leader-unit-bag")):
            with tempfile.TemporaryDirectory() as empty, unittest.mock.patch.dict(os.environ, {"PATH": empty}):
                with self.assertRaises(state.HookToolError) as raised:
                    state.render_raw("db")
        self.assertIn("hook tool 'relation-ids' not found on PATH", str(raised.exception))

    def test_missing_unit_name_says_so(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        del fixture["env"]["JUJU_UNIT_NAME"]
        self.assertEqual(self.render_failing(fixture),
                         "JUJU_UNIT_NAME is not set; run this from a Juju hook (or juju-exec)")

    def test_leader_data_that_is_not_the_library_s_yaml_is_reported_with_its_line(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["leader-settings"]["interface.pgsql"] = "10:\n  database: myapp\n  password '{}'\n".format(PASSWORD)
        with HookEnvironment(fixture):
            with self.assertRaises(state.LeaderDataError) as raised:
                state.render_raw("db")
        self.assertEqual(str(raised.exception), "leader setting 'interface.pgsql' is not the YAML the pgsql "
                                                "library writes: missing ':' after a key at line 3")


if __name__ == "__main__":
    unittest.main()

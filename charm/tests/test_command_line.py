"""The command for plain-hook charms: python3 pgsql_relation_state.py --endpoint db --output PATH."""

import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

from support import GOLDEN, MODULE, HookEnvironment, load_fixture


class CommandLineTests(unittest.TestCase):

    def run_command(self, fixture, *args):
        with HookEnvironment(fixture) as hook:
            return subprocess.run([sys.executable, MODULE] + list(args), env=hook.environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)

    def test_writes_the_state_file_then_reports_it_unchanged(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "state.json")
            fixture = load_fixture("canonical-leader-unit-bag")
            first = self.run_command(fixture, "--endpoint", "db", "--output", path)
            second = self.run_command(fixture, "--endpoint", "db", "--output", path)
            with open(path, "rb") as written, open(os.path.join(GOLDEN, "canonical-leader-unit-bag.json"), "rb") as golden:
                self.assertEqual(written.read(), golden.read())
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertEqual((first.returncode, first.stdout.decode()), (0, path + " written\n"))
        self.assertEqual((second.returncode, second.stdout.decode()), (0, path + " unchanged\n"))

    def test_endpoint_defaults_to_db_and_dash_writes_to_standard_output(self):
        result = self.run_command(load_fixture("protocol-v2-application-bag"), "--output", "-")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["relations"][0]["relation-id"], 3)

    @unittest.skipUnless(os.geteuid() == 0, "changing a file's owner needs root")
    def test_owner_is_user_colon_group(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "state.json")
            result = self.run_command(load_fixture("no-relation"), "--output", path, "--owner", "4321:4322")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual((os.stat(path).st_uid, os.stat(path).st_gid), (4321, 4322))

    def test_a_hook_tool_failure_exits_1_with_the_command_on_stderr_and_writes_nothing(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["failures"] = [{"tool": "leader-get", "exit": 1, "stderr": "ERROR cannot read leadership settings\n"}]
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "state.json")
            result = self.run_command(fixture, "--output", path)
            self.assertFalse(os.path.exists(path))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode(), "pgsql_relation_state.py: leader-get --format=json failed with "
                                                 "exit code 1: ERROR cannot read leadership settings\n")
        self.assertNotIn(b"Xq3vTn8sLw", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()

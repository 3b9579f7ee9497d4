"""postgresql_client relations: the provider's bag, its secrets read with secret-get --refresh, the request."""

import contextlib
import copy
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest

from support import GOLDEN, MODULE, HookEnvironment, load_fixture, pgsql_relation_state as state

PASSWORD = "Hn4cVb7qLm2Wx9Pz"
USER_URI = "secret://2f1c7b52-5d0e-4b3e-8a4f-3e9d1c6b7a20/d0r5v8fmp25c77bbn9og"
TLS_URI = "secret://2f1c7b52-5d0e-4b3e-8a4f-3e9d1c6b7a20/d0r5v8fmp25c77bbn9p0"


def export(fixture, requested=None, **options):
    """The relations read for endpoint database, the hook tools' calls and what went to stderr."""
    stderr = io.StringIO()
    with HookEnvironment(fixture) as hook, contextlib.redirect_stderr(stderr):
        rendered = state.render_raw({"database": state.POSTGRESQL_CLIENT}, requested=requested, **options)
        calls = hook.calls()
    return json.loads(rendered)["relations"], calls, stderr.getvalue()


def only(relations):
    assert len(relations) == 1, relations
    return relations[0]


class SecretTests(unittest.TestCase):

    def test_every_secret_field_is_read_with_refresh_and_keyed_by_its_field(self):
        relations, calls, _ = export(load_fixture("postgresql-client-tls"))
        secrets = only(relations)["secrets"]
        self.assertEqual(sorted(secrets), ["secret-tls", "secret-user"])
        self.assertEqual(secrets["secret-user"]["username"], "relation-12")
        self.assertTrue(secrets["secret-tls"]["tls-ca"].startswith("-----BEGIN CERTIFICATE-----\n"))
        self.assertEqual([c for c in calls if c[0] == "secret-get"], [
            ["secret-get", "--format=json", "--refresh", TLS_URI],
            ["secret-get", "--format=json", "--refresh", USER_URI],
        ])

    def test_the_latest_revision_is_written_not_the_one_the_unit_tracked(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["secrets"][USER_URI]["tracked-content"] = dict(fixture["secrets"][USER_URI]["content"],
                                                               password="Qm8wRt3yUi6oPa1S")
        relations, _, _ = export(fixture)
        self.assertEqual(only(relations)["secrets"]["secret-user"]["password"], PASSWORD)

    def test_a_secret_not_granted_yet_is_left_out_with_a_warning_naming_field_and_uri(self):
        relations, _, stderr = export(load_fixture("postgresql-client-user-secret-not-granted"))
        self.assertEqual(sorted(only(relations)["secrets"]), ["secret-tls"])
        self.assertEqual(stderr, "pgsql_relation_state.py: warning: secret-user of relation database:12: cannot read "
                                 "secret {} (ERROR permission denied); left out until a later hook can\n".format(USER_URI))

    def test_a_removed_secret_is_left_out_with_juju_s_message(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        del fixture["secrets"][TLS_URI]
        relations, _, stderr = export(fixture)
        self.assertEqual(sorted(only(relations)["secrets"]), ["secret-user"])
        self.assertIn('secret-tls of relation database:12: cannot read secret {} (ERROR secret "d0r5v8fmp25c77bbn9p0" '
                      'not found)'.format(TLS_URI), stderr)

    def test_any_other_failure_of_secret_get_fails_the_export(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["failures"] = [{"tool": "secret-get", "argv-contains": USER_URI, "exit": 1,
                                "stderr": "ERROR connection is shut down\n"}]
        with HookEnvironment(fixture), self.assertRaises(state.HookToolError) as raised:
            state.render_raw({"database": state.POSTGRESQL_CLIENT})
        self.assertEqual(str(raised.exception), "secret-get --format=json --refresh {} failed with exit code 1: "
                                                "ERROR connection is shut down".format(USER_URI))

    def test_a_field_that_is_not_a_secret_uri_is_never_passed_to_secret_get(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["relations"]["12"]["app-bags"]["postgresql"]["secret-extra"] = "--label=admin"
        relations, calls, stderr = export(fixture)
        self.assertEqual(sorted(only(relations)["secrets"]), ["secret-tls", "secret-user"])
        self.assertNotIn("--label=admin", [arg for call in calls for arg in call])
        self.assertIn("secret-extra of relation database:12 is not a Juju secret URI; left out", stderr)

    def test_an_empty_secret_field_is_skipped_silently(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["relations"]["12"]["app-bags"]["postgresql"]["secret-extra"] = ""
        relations, _, stderr = export(fixture)
        self.assertNotIn("secret-extra", only(relations)["secrets"])
        self.assertEqual(stderr, "")

    def test_a_provider_without_secrets_needs_no_secret_get(self):
        relations, calls, _ = export(load_fixture("postgresql-client-plain-credentials"))
        self.assertEqual(only(relations)["secrets"], {})
        self.assertNotIn("secret-get", [c[0] for c in calls])

    def test_secret_output_that_is_not_json_is_reported_without_its_content(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["raw-output"] = [{"tool": "secret-get", "argv-contains": USER_URI,
                                  "stdout": "password: {}\n".format(PASSWORD)}]
        with HookEnvironment(fixture), self.assertRaises(state.HookToolError) as raised:
            state.render_raw({"database": state.POSTGRESQL_CLIENT})
        self.assertIn("printed output that is not JSON", str(raised.exception))
        self.assertNotIn(PASSWORD, str(raised.exception))

    def test_a_later_failure_never_repeats_what_an_earlier_secret_held(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        second = copy.deepcopy(fixture["relations"]["12"])
        fixture["relations"]["13"] = second
        fixture["endpoints"]["database"] = [12, 13]
        fixture["failures"] = [{"tool": "relation-get", "argv-contains": "-r 13 - postgresql", "exit": 1,
                                "stderr": "ERROR cannot decode {} for user relation-12\n".format(PASSWORD)}]
        with HookEnvironment(fixture), self.assertRaises(state.HookToolError) as raised:
            state.render_raw({"database": state.POSTGRESQL_CLIENT})
        self.assertNotIn(PASSWORD, str(raised.exception))
        self.assertIn("ERROR cannot decode ****** for user relation-12", str(raised.exception))

    def test_secret_get_missing_fails_the_export(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        with HookEnvironment(fixture) as hook:
            os.remove(os.path.join(os.path.dirname(hook.log), "bin", "secret-get"))
            with self.assertRaises(state.HookToolNotFoundError) as raised:
                state.render_raw({"database": state.POSTGRESQL_CLIENT})
        self.assertIn("hook tool 'secret-get' not found on PATH", str(raised.exception))


class RequestTests(unittest.TestCase):

    def test_the_leader_reads_the_request_from_its_application_bag(self):
        relations, calls, _ = export(load_fixture("postgresql-client-machine-two-replicas"),
                                     requested={"database": "from-config"})
        requested = only(relations)["requested"]
        self.assertEqual(requested["database"], "myapp")
        self.assertEqual(json.loads(requested["requested-secrets"])[:2], ["username", "password"])
        self.assertNotIn("provided-secrets", requested)
        self.assertIn(["relation-get", "--format=json", "--app", "-r", "12", "-", "myapp"], calls)

    def test_a_unit_that_is_not_the_leader_writes_the_request_it_is_given_and_never_reads_its_app_bag(self):
        relations, calls, _ = export(load_fixture("postgresql-client-machine-one-replica"),
                                     requested={"database": "myapp", "extra-user-roles": "CREATEDB"})
        self.assertEqual(only(relations)["requested"], {"database": "myapp", "extra-user-roles": "CREATEDB"})
        self.assertNotIn("myapp", [c[-1] for c in calls if c[0] == "relation-get"])

    def test_the_leader_falls_back_to_the_given_request_before_the_library_has_written_it(self):
        fixture = load_fixture("postgresql-client-awaiting-provider")
        fixture["relations"]["12"]["app-bags"]["myapp"] = {}
        relations, _, _ = export(fixture, requested={"database": "myapp"})
        self.assertEqual(only(relations)["requested"], {"database": "myapp"})

    def test_without_any_request_the_database_is_empty(self):
        relations, _, _ = export(load_fixture("postgresql-client-machine-one-replica"))
        self.assertEqual(only(relations)["requested"], {"database": ""})

    def test_a_request_with_a_key_the_interface_does_not_have_is_refused(self):
        with self.assertRaisesRegex(ValueError, "requested has the key 'roles'; a postgresql_client request has "
                                                "database, extra-user-roles"):
            export(load_fixture("postgresql-client-machine-one-replica"), requested={"roles": "x"})


class EntryTests(unittest.TestCase):

    def test_an_entry_has_the_contract_s_keys_and_no_shape(self):
        relation = only(export(load_fixture("postgresql-client-kubernetes"))[0])
        self.assertEqual(sorted(relation), ["endpoint", "interface", "relation-id", "remote-app", "remote-app-data",
                                            "requested", "secrets"])
        self.assertEqual((relation["interface"], relation["endpoint"], relation["relation-id"],
                          relation["remote-app"]), ("postgresql_client", "database", 7, "postgresql-k8s"))

    def test_the_provider_s_bag_is_kept_as_juju_returns_it(self):
        fixture = load_fixture("postgresql-client-kubernetes")
        relation = only(export(fixture)[0])
        self.assertEqual(relation["remote-app-data"], fixture["relations"]["7"]["app-bags"]["postgresql-k8s"])

    def test_the_broken_relation_is_left_out_in_its_broken_hook(self):
        fixture = load_fixture("postgresql-client-machine-two-replicas")
        fixture["env"]["JUJU_HOOK_NAME"] = "database-relation-broken"
        relations, calls, _ = export(fixture)
        self.assertEqual(relations, [])
        self.assertEqual(calls, [["relation-ids", "--format=json", "database"]])

    def test_both_interfaces_go_into_one_document(self):
        fixture = load_fixture("postgresql-client-beside-pgsql")
        with HookEnvironment(fixture), contextlib.redirect_stderr(io.StringIO()):
            relations = json.loads(state.render_raw({"db": state.PGSQL, "database": state.POSTGRESQL_CLIENT}))[
                "relations"]
        self.assertEqual([(r["endpoint"], r.get("interface", "pgsql"), r.get("shape")) for r in relations],
                         [("database", "postgresql_client", None), ("db", "pgsql", "raw")])

    def test_an_interface_this_module_does_not_export_is_refused(self):
        with self.assertRaisesRegex(ValueError, "endpoint 'database' has the interface 'mysql_client'; this module "
                                                "exports pgsql and postgresql_client"):
            state.render_raw({"database": "mysql_client"})

    def test_export_raw_writes_atomically_and_only_on_change(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "state.json")
            with HookEnvironment(load_fixture("postgresql-client-tls")):
                self.assertTrue(state.export_raw("database", path, interface=state.POSTGRESQL_CLIENT))
                self.assertFalse(state.export_raw("database", path, interface=state.POSTGRESQL_CLIENT))
            with open(path, "rb") as written, open(os.path.join(GOLDEN, "postgresql-client-tls.json"), "rb") as golden:
                self.assertEqual(written.read(), golden.read())
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            self.assertEqual(os.listdir(directory), ["state.json"])


class CommandLineTests(unittest.TestCase):

    def run_command(self, fixture, *args):
        with HookEnvironment(fixture) as hook:
            return subprocess.run([sys.executable, MODULE] + list(args), env=hook.environment,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)

    def test_endpoint_names_its_interface_and_the_request_comes_from_options(self):
        result = self.run_command(load_fixture("postgresql-client-machine-one-replica"),
                                  "--endpoint", "database=postgresql_client", "--database", "myapp", "--output", "-")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(GOLDEN, "postgresql-client-machine-one-replica.json"), "rb") as golden:
            self.assertEqual(result.stdout, golden.read())

    def test_a_secret_not_readable_yet_warns_but_writes_the_file(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "state.json")
            result = self.run_command(load_fixture("postgresql-client-user-secret-not-granted"),
                                      "--endpoint", "database=postgresql_client", "--output", path)
            self.assertTrue(os.path.exists(path))
        self.assertEqual(result.returncode, 0)
        self.assertIn(b"warning: secret-user of relation database:12: cannot read secret", result.stderr)
        self.assertNotIn(PASSWORD.encode(), result.stdout + result.stderr)

    def test_an_unknown_interface_exits_1(self):
        result = self.run_command(load_fixture("postgresql-client-no-relation"), "--endpoint", "database=mysql",
                                  "--output", "-")
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"endpoint 'database' has the interface 'mysql'", result.stderr)


class MaskingTests(unittest.TestCase):

    def test_known_values_private_keys_and_passwords_are_masked(self):
        text = ("ERROR {} and entity-password={} and -----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY----- and "
                '{{"password": "{}"}}').format("Zx9Yw8Vu", "Qr5St6", "Ab1Cd2")
        masked = state._mask_secrets(text, known=["Zx9Yw8Vu"])
        for secret in ("Zx9Yw8Vu", "Qr5St6", "MIIEv", "Ab1Cd2"):
            self.assertNotIn(secret, masked)
        self.assertIn("-----BEGIN PRIVATE KEY----- ******", masked)


if __name__ == "__main__":
    unittest.main()

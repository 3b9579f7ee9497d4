"""Reading a relation with the hook tools: which calls are made and what they yield."""

import copy
import json
import os
import unittest

from support import HookEnvironment, load_fixture, pgsql_relation_state as state


def relation(rendered, index=0):
    return json.loads(rendered)["relations"][index]


class ReadingTests(unittest.TestCase):

    def test_bags_are_read_with_the_calls_juju_answers(self):
        with HookEnvironment(load_fixture("canonical-leader-unit-bag")) as hook:
            state.render_raw("db")
            calls = hook.calls()
        self.assertEqual(calls, [
            ["relation-ids", "--format=json", "db"],
            ["leader-get", "--format=json"],
            ["relation-list", "--format=json", "-r", "10"],
            ["relation-get", "--format=json", "-r", "10", "-", "myapp/0"],
            ["relation-get", "--format=json", "--app", "-r", "10", "-", "postgresql"],
            ["relation-get", "--format=json", "-r", "10", "-", "postgresql/0"],
            ["relation-get", "--format=json", "-r", "10", "-", "postgresql/1"],
            ["relation-get", "--format=json", "-r", "10", "-", "postgresql/2"],
        ])

    def test_no_relation_needs_no_more_than_relation_ids(self):
        with HookEnvironment(load_fixture("no-relation")) as hook:
            rendered = state.render_raw("db")
            calls = hook.calls()
        self.assertEqual(calls, [["relation-ids", "--format=json", "db"]])
        self.assertEqual(rendered, b'{\n  "relations": [],\n  "version": 1\n}\n')

    def test_remote_app_comes_from_the_environment_only_for_the_hook_relation(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["env"]["JUJU_RELATION_ID"] = "db:99"
        fixture["env"]["JUJU_REMOTE_APP"] = "elsewhere"
        with HookEnvironment(fixture):
            self.assertEqual(relation(state.render_raw("db"))["remote-app"], "postgresql")

    def test_remote_app_comes_from_relation_list_when_no_unit_has_joined(self):
        with HookEnvironment(load_fixture("no-remote-units")) as hook:
            self.assertEqual(relation(state.render_raw("db"))["remote-app"], "postgresql")
            self.assertIn(["relation-list", "--format=json", "--app", "-r", "10"], hook.calls())

    def test_old_juju_without_app_bags_gives_an_empty_remote_app_bag(self):
        with HookEnvironment(load_fixture("old-juju-no-app-bags")):
            read = relation(state.render_raw("db"))
        self.assertEqual(read["remote-app-data"], {})
        self.assertEqual(read["remote-app"], "postgresql")
        self.assertEqual(len(read["remote-units-data"]), 3)

    def test_remote_app_is_empty_when_juju_cannot_name_it(self):
        fixture = load_fixture("no-remote-units")
        fixture["juju"] = {"app-bags": False, "relation-list-app": False}
        with HookEnvironment(fixture):
            read = relation(state.render_raw("db"))
        self.assertEqual(read["remote-app"], "")
        self.assertEqual(read["remote-app-data"], {})

    def test_the_broken_relation_is_left_out_in_its_broken_hook(self):
        with HookEnvironment(load_fixture("relation-broken")):
            self.assertEqual(json.loads(state.render_raw("db"))["relations"], [])

    def test_the_broken_relation_is_read_in_other_hooks(self):
        fixture = load_fixture("relation-broken")
        fixture["env"]["JUJU_DISPATCH_PATH"] = "hooks/db-relation-departed"
        with HookEnvironment(fixture):
            self.assertEqual(len(json.loads(state.render_raw("db"))["relations"]), 1)

    def test_a_charm_can_leave_out_a_relation_it_knows_is_going(self):
        fixture = load_fixture("two-relations")
        with HookEnvironment(fixture):
            relations = json.loads(state.render_raw("db", exclude_relation_ids=[12]))["relations"]
        self.assertEqual([r["relation-id"] for r in relations], [10])

    def test_relations_are_ordered_by_id(self):
        with HookEnvironment(load_fixture("two-relations")):
            relations = json.loads(state.render_raw("db"))["relations"]
        self.assertEqual([(r["relation-id"], r["remote-app"]) for r in relations],
                         [(10, "postgresql"), (12, "postgresql-b")])

    def test_several_endpoints_go_into_one_document(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["endpoints"]["ro-db"] = [3]
        fixture["relations"]["3"] = copy.deepcopy(load_fixture("protocol-v2-application-bag")["relations"]["3"])
        fixture["relations"]["3"]["unit-bags"]["myapp/0"] = {"egress-subnets": "10.252.20.58/32"}
        with HookEnvironment(fixture):
            relations = json.loads(state.render_raw(["ro-db", "db"]))["relations"]
        self.assertEqual([(r["endpoint"], r["relation-id"]) for r in relations], [("db", 10), ("ro-db", 3)])

    def test_request_falls_back_to_the_keys_mirrored_in_the_local_unit_bag(self):
        with HookEnvironment(load_fixture("egress-not-allowed")):
            self.assertEqual(relation(state.render_raw("db"))["requested"],
                             {"database": "myapp", "roles": "", "extensions": ""})

    def test_request_is_empty_without_leader_data_or_mirrored_keys(self):
        fixture = load_fixture("canonical-leader-unit-bag")
        fixture["leader-settings"] = {}
        with HookEnvironment(fixture):
            self.assertEqual(relation(state.render_raw("db"))["requested"],
                             {"database": "", "roles": "", "extensions": ""})

    def test_request_falls_back_to_the_mirrored_keys_on_a_juju_without_leader_get(self):
        fixture = load_fixture("egress-not-allowed")
        fixture["leader-settings"] = {"interface.pgsql": "10:\n  database: other\n"}
        with HookEnvironment(fixture) as hook:
            os.remove(os.path.join(os.path.dirname(hook.log), "bin", "leader-get"))
            self.assertEqual(relation(state.render_raw("db"))["requested"]["database"], "myapp")

    def test_leader_data_wins_over_the_mirrored_keys(self):
        fixture = load_fixture("request-not-mirrored")
        fixture["relations"]["3"]["unit-bags"]["myapp/1"]["extensions"] = "citext,debversion"
        with HookEnvironment(fixture):
            self.assertEqual(relation(state.render_raw("db"))["requested"]["extensions"],
                             "citext,debversion,pg_trgm")

    def test_bags_are_kept_as_juju_returns_them(self):
        with HookEnvironment(load_fixture("protocol-v2-application-bag")):
            read = relation(state.render_raw("db"))
        self.assertEqual(read["remote-app-data"]["standbys"].count("\n"), 1)
        self.assertIn("password='it\\'s complicated'", read["remote-app-data"]["master"])


if __name__ == "__main__":
    unittest.main()

"""The resolved shape for charms holding the pgsql library's values, and pushing with Pebble."""

import io
import json
import unittest

from support import pgsql_relation_state as state


class ConnectionString:
    """What the pgsql library hands out: an object whose str() is the connection string."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class ResolvedShapeTests(unittest.TestCase):

    def test_library_values_become_a_resolved_relation(self):
        rendered = state.render_resolved("db", 11, "postgresql", ConnectionString("host=10.0.0.5 user=u"),
                                         [ConnectionString("host=10.0.0.6 user=u")], "myapp", "14.9")
        self.assertEqual(json.loads(rendered)["relations"], [{
            "shape": "resolved", "endpoint": "db", "relation-id": 11, "remote-app": "postgresql",
            "master": "host=10.0.0.5 user=u", "standbys": ["host=10.0.0.6 user=u"],
            "database": "myapp", "version": "14.9"}])

    def test_no_master_is_written_as_null_and_unknown_values_are_left_out(self):
        relation = state.resolved_relation("db", 11, "postgresql", None, None)
        self.assertEqual(relation, {"shape": "resolved", "endpoint": "db", "relation-id": 11,
                                    "remote-app": "postgresql", "master": None, "standbys": []})

    def test_documents_are_deterministic_whatever_the_relation_order(self):
        first = state.resolved_relation("db", 12, "b", "host=b")
        second = state.resolved_relation("db", 3, "a", "host=a")
        self.assertEqual(state.render_document([first, second]), state.render_document([second, first]))
        self.assertEqual([r["relation-id"] for r in json.loads(state.render_document([first, second]))["relations"]],
                         [3, 12])

    def test_non_ascii_is_written_as_utf_8_with_a_trailing_newline(self):
        rendered = state.render_resolved("db", 1, "postgresql", "password='pässword' host=h")
        self.assertIn("pässword".encode("utf-8"), rendered)
        self.assertTrue(rendered.endswith(b"}\n"))


class FakeContainer:
    """The part of ops.Container that push_if_changed uses, holding files in memory."""

    def __init__(self, files=None):
        self.files = dict(files or {})
        self.pushes = []

    def pull(self, path, encoding="utf-8"):
        if path not in self.files:
            raise FileNotFoundError(path)
        return io.BytesIO(self.files[path])

    def push(self, path, source, **options):
        self.pushes.append((path, options))
        self.files[path] = source


class PushIfChangedTests(unittest.TestCase):

    def test_a_new_file_is_pushed_with_mode_0600_and_the_given_owner(self):
        container = FakeContainer()
        self.assertTrue(state.push_if_changed(container, "/app/state.json", b"{}\n", user="app", group="app"))
        self.assertEqual(container.pushes, [("/app/state.json", {"permissions": 0o600, "make_dirs": True,
                                                                 "user": "app", "group": "app"})])

    def test_the_same_content_is_not_pushed_again(self):
        container = FakeContainer({"/app/state.json": b"{}\n"})
        self.assertFalse(state.push_if_changed(container, "/app/state.json", b"{}\n"))
        self.assertEqual(container.pushes, [])

    def test_new_content_is_pushed(self):
        container = FakeContainer({"/app/state.json": b"{}\n"})
        self.assertTrue(state.push_if_changed(container, "/app/state.json", b"[]\n"))
        self.assertEqual(container.files["/app/state.json"], b"[]\n")


if __name__ == "__main__":
    unittest.main()

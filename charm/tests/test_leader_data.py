"""The leader setting interface.pgsql as PyYAML dumps it for the pgsql library (real dumps, PyYAML 6.0.3)."""

import unittest

from support import pgsql_relation_state as state

parse = state._parse_leader_yaml

EXPECTED = {
    "3": {"database": "123", "extensions": "yes", "roles": ""},
    "4": {"database": "it's", "extensions": "#x", "roles": "\u00e9"},
    "10": {"database": "my app", "extensions": "x:public,y", "roles": "a,b"},
}


class LeaderDataTests(unittest.TestCase):

    def test_block_style_of_pyyaml_5_1_and_later(self):
        dumped = ("3:\n  database: '123'\n  extensions: 'yes'\n  roles: ''\n4:\n  database: it's\n"
                  "  extensions: '#x'\n  roles: \"\\xE9\"\n10:\n  database: my app\n  extensions: x:public,y\n"
                  "  roles: a,b\n")
        self.assertEqual(parse(dumped), EXPECTED)

    def test_flow_style_of_older_pyyaml(self):
        dumped = ("3: {database: '123', extensions: 'yes', roles: ''}\n4: {database: it's, extensions: '#x', "
                  "roles: \"\\xE9\"}\n10: {database: my app, extensions: 'x:public,y', roles: 'a,b'}\n")
        self.assertEqual(parse(dumped), EXPECTED)

    def test_whole_document_in_flow_style_wrapped_over_lines(self):
        dumped = ("{3: {database: '123', extensions: 'yes', roles: ''}, 4: {database: it's, extensions: '#x',\n"
                  "    roles: \"\\xE9\"}, 10: {database: my app, extensions: 'x:public,y', roles: 'a,b'}}\n")
        self.assertEqual(parse(dumped), EXPECTED)

    def test_long_flow_mapping_wrapped_onto_a_second_line(self):
        dumped = ("7: {database: inventory, extensions: 'btree_gist,citext,hstore,pg_trgm,pgcrypto,postgis,"
                  "uuid-ossp:public',\n  roles: ''}\n12: {database: a long database name with spaces that wraps, "
                  "extensions: '', roles: r}\n")
        self.assertEqual(parse(dumped), {
            "7": {"database": "inventory", "roles": "",
                  "extensions": "btree_gist,citext,hstore,pg_trgm,pgcrypto,postgis,uuid-ossp:public"},
            "12": {"database": "a long database name with spaces that wraps", "extensions": "", "roles": "r"},
        })

    def test_empty_mapping(self):
        self.assertEqual(parse("{}\n"), {})

    def test_single_quotes_are_escaped_by_doubling(self):
        self.assertEqual(parse("5:\n  database: 'it''s: here'\n"), {"5": {"database": "it's: here"}})

    def test_null_reads_as_empty(self):
        self.assertEqual(parse("5:\n  database: null\n  roles: ~\n  extensions:\n"),
                         {"5": {"database": "", "roles": "", "extensions": ""}})

    def test_an_unterminated_quote_is_reported_with_its_line(self):
        with self.assertRaisesRegex(state.LeaderDataError, "unterminated quoted value at line 2"):
            parse("5:\n  database: 'oops\n")

    def test_a_scalar_at_the_top_is_reported(self):
        with self.assertRaisesRegex(state.LeaderDataError, "relation id without a mapping at line 1"):
            parse("5: foo\n")


if __name__ == "__main__":
    unittest.main()

"""Writing the state file: atomic, mode 0600, chosen owner, untouched when the content is the same."""

import os
import stat
import tempfile
import unittest
import unittest.mock

from support import HookEnvironment, load_fixture, pgsql_relation_state as state

CONTENT = b'{\n  "relations": [],\n  "version": 1\n}\n'
OTHER = b'{\n  "relations": [],\n  "version": 1,\n  "x": 1\n}\n'


class WriteStateFileTests(unittest.TestCase):

    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.path = os.path.join(self.directory.name, "pgsql-relation-state.json")

    def read(self):
        with open(self.path, "rb") as source:
            return source.read()

    def test_a_new_file_holds_the_content_with_mode_0600(self):
        old_umask = os.umask(0)
        try:
            self.assertTrue(state.write_state_file(self.path, CONTENT))
        finally:
            os.umask(old_umask)
        self.assertEqual(self.read(), CONTENT)
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)

    def test_new_content_replaces_the_file_by_rename_and_leaves_no_temporary_file(self):
        state.write_state_file(self.path, CONTENT)
        before = os.stat(self.path).st_ino
        self.assertTrue(state.write_state_file(self.path, OTHER))
        self.assertEqual(self.read(), OTHER)
        self.assertNotEqual(os.stat(self.path).st_ino, before)
        self.assertEqual(os.listdir(self.directory.name), ["pgsql-relation-state.json"])

    def test_the_same_content_leaves_the_file_untouched(self):
        state.write_state_file(self.path, CONTENT)
        os.utime(self.path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
        before = os.stat(self.path)
        self.assertFalse(state.write_state_file(self.path, CONTENT))
        after = os.stat(self.path)
        self.assertEqual((after.st_ino, after.st_mtime_ns, after.st_ctime_ns),
                         (before.st_ino, before.st_mtime_ns, before.st_ctime_ns))

    def test_the_same_content_with_a_wrong_mode_gets_its_mode_fixed_but_keeps_its_mtime(self):
        with open(self.path, "wb") as out:
            out.write(CONTENT)
        os.chmod(self.path, 0o644)
        os.utime(self.path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
        self.assertFalse(state.write_state_file(self.path, CONTENT))
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertEqual(os.stat(self.path).st_mtime_ns, 1_000_000_000_000_000_000)

    def test_the_directory_is_synced_after_the_rename(self):
        synced = []
        real_fsync = os.fsync

        def recording_fsync(fd):
            synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
            real_fsync(fd)

        with unittest.mock.patch.object(os, "fsync", recording_fsync):
            state.write_state_file(self.path, CONTENT)
        self.assertEqual(synced, [False, True])

    def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary_file(self):
        state.write_state_file(self.path, CONTENT)

        def failing_fsync(fd):
            raise OSError(28, "No space left on device")

        with unittest.mock.patch.object(os, "fsync", failing_fsync):
            with self.assertRaises(OSError):
                state.write_state_file(self.path, OTHER)
        self.assertEqual(self.read(), CONTENT)
        self.assertEqual(os.listdir(self.directory.name), ["pgsql-relation-state.json"])

    @unittest.skipUnless(os.geteuid() == 0, "changing a file's owner needs root")
    def test_owner_and_group_are_set_by_id(self):
        state.write_state_file(self.path, CONTENT, owner=4321, group="4322")
        status = os.stat(self.path)
        self.assertEqual((status.st_uid, status.st_gid), (4321, 4322))

    @unittest.skipUnless(os.geteuid() == 0, "changing a file's owner needs root")
    def test_owner_and_group_are_set_by_name_and_corrected_without_rewriting(self):
        import grp
        import pwd
        user = pwd.getpwuid(65534)
        group = grp.getgrgid(user.pw_gid)
        state.write_state_file(self.path, CONTENT)
        mtime = os.stat(self.path).st_mtime_ns
        self.assertFalse(state.write_state_file(self.path, CONTENT, owner=user.pw_name, group=group.gr_name))
        status = os.stat(self.path)
        self.assertEqual((status.st_uid, status.st_gid, status.st_mtime_ns), (65534, user.pw_gid, mtime))

    def test_an_unknown_user_is_named_in_the_error(self):
        with self.assertRaisesRegex(ValueError, "no such user: 'no-such-user-here'"):
            state.write_state_file(self.path, CONTENT, owner="no-such-user-here")
        self.assertFalse(os.path.exists(self.path))

    def test_a_missing_directory_is_named_in_the_error(self):
        path = os.path.join(self.directory.name, "missing", "state.json")
        with self.assertRaises(FileNotFoundError) as raised:
            state.write_state_file(path, CONTENT)
        self.assertIn(os.path.join(self.directory.name, "missing"), str(raised.exception))

    def test_export_raw_reads_the_relation_and_writes_only_on_change(self):
        with HookEnvironment(load_fixture("canonical-leader-unit-bag")):
            self.assertTrue(state.export_raw("db", self.path))
            self.assertFalse(state.export_raw("db", self.path))
        self.assertIn(b'"relation-id": 10', self.read())


if __name__ == "__main__":
    unittest.main()

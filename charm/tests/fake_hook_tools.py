"""Stand-ins for Juju's hook tools that serve relation data from a JSON fixture.

Each tool is a small shell script on PATH running ``fake_hook_tools.py <tool> <args>``. The
fixture (``FAKE_HOOK_TOOLS_FIXTURE``) holds what a model would answer::

    {"juju": {"app-bags": true, "relation-list-app": true},
     "leader": false,
     "leader-settings": {"interface.pgsql": "<yaml>"},
     "endpoints": {"db": [10]},
     "relations": {"10": {"remote-app": "postgresql",
                          "app-bags": {"postgresql": {...}, "myapp": {...}},
                          "unit-bags": {"myapp/0": {...}, "postgresql/0": {...}}}},
     "secrets": {"secret://<model>/<id>": {"content": {...}, "tracked-content": {...}, "granted": true}},
     "failures": [{"tool": "relation-get", "argv-contains": "postgresql/1", "exit": 2, "stderr": "..."}],
     "raw-output": [{"tool": "relation-get", "argv-contains": "postgresql/0", "stdout": "..."}]}

Arguments are parsed the way Juju's tools parse them (options first, ``-r ID``, ``--format``),
so a call the real tools would reject fails here too; ``secret-get`` also takes options after
the URI, as ops calls it. Only the leader (``JUJU_UNIT_NAME``'s application, ``"leader": true``)
may read its own application's bag. ``secret-get URI`` answers the revision the unit tracks
(``tracked-content``, else ``content``), ``--refresh`` the latest (``content``); a secret not
granted fails with Juju's "permission denied", an unknown one with "not found" (exit code 1,
as for any failure of a tool's run). Every call is appended to ``FAKE_HOOK_TOOLS_LOG`` (one
JSON array per line) when that is set.
"""

import json
import os
import sys


def fail(message, code=2):
    sys.stderr.write("ERROR {}\n".format(message))
    sys.exit(code)


def parse(argv, flags, valued, intersperse=False):
    options = {}
    positional = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "-" or not arg.startswith("-") or (positional and not intersperse):
            positional.append(arg)
        else:
            name, eq, value = arg.partition("=")
            if name in valued:
                if not eq:
                    index += 1
                    if index == len(argv):
                        fail("option needs an argument: {}".format(name))
                    value = argv[index]
                options[name] = value
            elif name in flags and not eq:
                options[name] = True
            else:
                fail("option provided but not defined: {}".format(name))
        index += 1
    if options.get("--format", "json") != "json":
        fail("this fake only speaks --format=json")
    return options, positional


def relation(fixture, options):
    relation_id = options.get("-r")
    if relation_id is None:
        fail("no relation id specified")
    relation_id = relation_id.rpartition(":")[2]
    found = fixture.get("relations", {}).get(relation_id)
    if found is None:
        fail('invalid value "{}" for option -r: relation not found'.format(relation_id))
    return found


def main():
    tool, argv = sys.argv[1], sys.argv[2:]
    with open(os.environ["FAKE_HOOK_TOOLS_FIXTURE"], encoding="utf-8") as source:
        fixture = json.load(source)
    log = os.environ.get("FAKE_HOOK_TOOLS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps([tool] + argv) + "\n")
    joined = " ".join(argv)
    for failure in fixture.get("failures", []):
        if failure["tool"] == tool and failure.get("argv-contains", "") in joined:
            sys.stderr.write(failure.get("stderr", ""))
            sys.exit(failure.get("exit", 1))
    for raw in fixture.get("raw-output", []):
        if raw["tool"] == tool and raw.get("argv-contains", "") in joined:
            sys.stdout.write(raw["stdout"])
            return
    juju = fixture.get("juju", {})
    app_flag = {"--app"} if juju.get("app-bags", True) else set()
    if tool == "relation-ids":
        options, positional = parse(argv, set(), {"--format"})
        ids = fixture.get("endpoints", {}).get(positional[0] if positional else "", [])
        answer = ["{}:{}".format(positional[0], i) for i in ids]
    elif tool == "relation-list":
        list_app = {"--app"} if juju.get("relation-list-app", True) else set()
        options, positional = parse(argv, list_app, {"--format", "-r"})
        found = relation(fixture, options)
        if options.get("--app"):
            answer = found["remote-app"]
        else:
            answer = sorted(u for u in found.get("unit-bags", {}) if u.split("/")[0] == found["remote-app"])
    elif tool == "relation-get":
        options, positional = parse(argv, app_flag, {"--format", "-r"})
        found = relation(fixture, options)
        if len(positional) != 2 or positional[0] != "-":
            fail("this fake only answers relation-get - <unit or app>")
        bags = found.get("app-bags" if options.get("--app") else "unit-bags", {})
        local_app = os.environ.get("JUJU_UNIT_NAME", "").split("/")[0]
        if options.get("--app") and positional[1] == local_app and not fixture.get("leader", False):
            fail("permission denied", 1)
        if positional[1] not in bags:
            fail('cannot read settings for unit "{}" in relation "{}": unit not found'.format(
                positional[1], options["-r"]))
        answer = bags[positional[1]]
    elif tool == "leader-get":
        options, positional = parse(argv, set(), {"--format"})
        settings = fixture.get("leader-settings", {})
        answer = settings.get(positional[0], "") if positional else settings
    elif tool == "is-leader":
        parse(argv, set(), {"--format"})
        answer = bool(fixture.get("leader", False))
    elif tool == "secret-get":
        options, positional = parse(argv, {"--refresh", "--peek"}, {"--format", "--label"}, intersperse=True)
        if len(positional) != 1:
            fail("this fake only answers secret-get <URI> [key]" if len(positional) > 1 else "secret URI missing")
        secret = fixture.get("secrets", {}).get(positional[0])
        if secret is None:
            fail('secret "{}" not found'.format(positional[0].rpartition("/")[2]), 1)
        if not secret.get("granted", True):
            fail("permission denied", 1)
        answer = secret["content"] if options.get("--refresh") else secret.get("tracked-content", secret["content"])
    else:
        fail("unknown tool {}".format(tool))
    sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()

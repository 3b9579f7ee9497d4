#!/usr/bin/env python3
"""Export Juju ``pgsql`` and ``postgresql_client`` relations to the pgsql-relation state file
(contract version 1).

A Spring Boot workload cannot call Juju's hook tools, so its charm hands it what the
relation holds as a JSON file. This module builds that file. It is a single file that needs
only the Python 3.8+ standard library, so any charm (ops, reactive, plain hooks) can vendor it.

Each endpoint is exported with the interface the caller names (``pgsql`` unless told
otherwise; an ops charm may pass ``self.meta.requires[name].interface_name``). A
``postgresql_client`` relation is written as the provider's application bag, the content of
every Juju secret that bag names (``secret-user``, ``secret-tls``, ...) read with
``secret-get --refresh``, and the request (see :func:`postgresql_client_relations`).

Two shapes for ``pgsql``:

* raw: the relation data exactly as Juju returns it (the remote application bag, every remote
  unit bag, the local unit bag and what the leader requested). The workload applies the
  protocol's readiness rules itself. Read with the hook tools, so call it from a hook.
* resolved: ``master``/``standbys`` a charm already holds from the ``pgsql`` library's events.

Machine charms write the file with :func:`export_raw` (or :func:`write_state_file`); Kubernetes
sidecar charms render the bytes with :func:`render_raw` and push them with Pebble
(:func:`push_if_changed`). Plain-hook charms run the module as a command::

    python3 pgsql_relation_state.py --endpoint db --output /var/lib/app/pgsql-relation-state.json

Requested settings come from the leader setting ``interface.pgsql`` that the ``pgsql`` library
(ops-lib-pgsql) writes: a YAML mapping of relation id to ``database``/``roles``/``extensions``,
because non-leader units cannot read their own application's bag. A relation the leader has
not recorded there falls back to the same keys mirrored in the local unit's bag (the library
and older clients put them there for older servers), then to an empty request.
"""

import argparse
import grp
import json
import os
import pwd
import re
import subprocess
import sys
import tempfile

__all__ = [
    "FORMAT_VERSION",
    "PGSQL",
    "POSTGRESQL_CLIENT",
    "HookToolError",
    "HookToolNotFoundError",
    "LeaderDataError",
    "export_raw",
    "postgresql_client_relations",
    "push_if_changed",
    "raw_relations",
    "render_document",
    "render_raw",
    "render_resolved",
    "resolved_relation",
    "write_state_file",
]

FORMAT_VERSION = 1

LEADER_KEY = "interface.pgsql"

REQUESTED_KEYS = ("database", "roles", "extensions")

PGSQL = "pgsql"
POSTGRESQL_CLIENT = "postgresql_client"
INTERFACES = (PGSQL, POSTGRESQL_CLIENT)

# What the data-platform library's requirer (data_interfaces.py v0, DatabaseRequires) puts in the
# requirer's application bag as its request, in relation-created on the leader.
POSTGRESQL_CLIENT_REQUEST_KEYS = ("database", "extra-user-roles", "extra-group-roles", "external-node-connectivity",
                                  "requested-secrets")

# Fields of the provider's application bag that hold a Juju secret URI (data_interfaces.py v0,
# PROV_SECRET_PREFIX): secret-user, secret-tls, secret-extra, ...
SECRET_FIELD_PREFIX = "secret-"

# Juju's answers for a secret this unit may not read: not granted (yet: the provider grants it
# after publishing the URI, juju bug 2093129), or removed meanwhile.
_UNREADABLE_SECRET = re.compile(r"permission denied|not found", re.IGNORECASE)

_STDERR_LIMIT = 400


class HookToolError(Exception):
    """A Juju hook tool failed or printed something that is not what Juju prints.

    ``exit_code`` is the tool's exit code when it failed (else ``None``) and ``stderr`` what it
    printed there, secrets masked.
    """

    def __init__(self, message, exit_code=None, stderr=""):
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr = stderr


class HookToolNotFoundError(HookToolError):
    """A hook tool is not on PATH: not in a hook, or a Juju without that tool."""


class LeaderDataError(Exception):
    """The leader setting ``interface.pgsql`` is not the mapping the ``pgsql`` library writes."""


# --- hook tools -------------------------------------------------------------------------------


def _run(*args):
    command = " ".join(args)
    try:
        completed = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    except FileNotFoundError:
        raise HookToolNotFoundError("{}: hook tool '{}' not found on PATH; run this from a Juju hook "
                                    "(or juju-exec)".format(command, args[0])) from None
    if completed.returncode != 0:
        stderr = _describe_stderr(completed.stderr)
        raise HookToolError("{} failed with exit code {}: {}".format(command, completed.returncode, stderr),
                            completed.returncode, stderr)
    try:
        return completed.stdout.decode("utf-8")
    except UnicodeDecodeError as ex:
        raise HookToolError("{} printed output that is not UTF-8 (byte {})".format(command, ex.start)) from None


def _describe_stderr(stderr):
    text = _mask_secrets(stderr.decode("utf-8", "replace").strip())
    if len(text) > _STDERR_LIMIT:
        text = text[:_STDERR_LIMIT] + "..."
    return text or "(no output on stderr)"


_SECRET = re.compile(r"(password\s*=\s*|password[\"']?\s*:\s*)('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)",
                     re.IGNORECASE)
_URI_SECRET = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", re.IGNORECASE)
_PRIVATE_KEY = re.compile(r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.*?(?:-----END \1-----|$)", re.DOTALL)


def _mask_secrets(text, known=()):
    """``text`` without passwords, private keys, and any of the ``known`` secret values."""
    for value in sorted((v for v in known if len(v) >= 4), key=len, reverse=True):
        text = text.replace(value, "******")
    text = _PRIVATE_KEY.sub("-----BEGIN \\1----- ******", text)
    text = _SECRET.sub(r"\1******", text)
    return _URI_SECRET.sub(r"\1******@", text)


def _run_json(*args):
    output = _run(*args)
    if not output.strip():
        return None
    try:
        return json.loads(output)
    except ValueError as ex:
        # The message of a JSONDecodeError names a position only, never the content.
        raise HookToolError("{} printed output that is not JSON ({})".format(
            " ".join(args), getattr(ex, "msg", "invalid JSON"))) from None


def _bag(*args):
    value = _run_json(*args)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HookToolError("{} printed JSON that is not an object".format(" ".join(args)))
    for key, item in value.items():
        if not isinstance(item, str):
            raise HookToolError("{} printed a value that is not a string for key '{}'".format(
                " ".join(args), key))
    return value


def _relation_ids(endpoint):
    ids = _run_json("relation-ids", "--format=json", endpoint) or []
    result = []
    for item in ids:
        number = str(item).rpartition(":")[2]
        if not number.isdigit():
            raise HookToolError("relation-ids --format=json {} printed '{}', not <endpoint>:<id>".format(
                endpoint, item))
        result.append(int(number))
    return sorted(result)


def _remote_units(relation_id):
    units = _run_json("relation-list", "--format=json", "-r", str(relation_id)) or []
    return sorted(str(unit) for unit in units)


def _remote_app(relation_id, units):
    if os.environ.get("JUJU_REMOTE_APP") and _hook_relation_id() == relation_id:
        return os.environ["JUJU_REMOTE_APP"]
    if units:
        return units[0].split("/")[0]
    try:
        # relation-list --app exists from Juju 2.8.1 on; it still answers when no unit has joined yet.
        app = _run_json("relation-list", "--format=json", "--app", "-r", str(relation_id))
    except HookToolError:
        return ""
    return app if isinstance(app, str) else ""


def _remote_app_bag(relation_id, remote_app):
    if not remote_app:
        return {}
    try:
        return _bag("relation-get", "--format=json", "--app", "-r", str(relation_id), "-", remote_app)
    except HookToolError as ex:
        # Juju < 2.7 has no application bags and rejects the flag.
        if "--app" in str(ex) and ("not defined" in str(ex) or "unrecognized" in str(ex)):
            return {}
        raise


def _hook_relation_id():
    _, _, number = os.environ.get("JUJU_RELATION_ID", "").rpartition(":")
    return int(number) if number.isdigit() else None


def _broken_relation_id():
    hook = os.environ.get("JUJU_HOOK_NAME") or os.path.basename(os.environ.get("JUJU_DISPATCH_PATH", ""))
    return _hook_relation_id() if hook.endswith("-relation-broken") else None


def _local_unit():
    unit = os.environ.get("JUJU_UNIT_NAME", "")
    if not unit:
        raise HookToolError("JUJU_UNIT_NAME is not set; run this from a Juju hook (or juju-exec)")
    return unit


# --- requested settings (leader data written by the pgsql library) ---------------------------


def _leader_requests():
    try:
        settings = _run_json("leader-get", "--format=json") or {}
    except HookToolNotFoundError:
        # Leader settings are deprecated; a Juju without leader-get leaves the mirrored keys.
        return {}
    if not isinstance(settings, dict):
        raise HookToolError("leader-get --format=json printed JSON that is not an object")
    text = settings.get(LEADER_KEY)
    if not text:
        return {}
    if not isinstance(text, str):
        raise LeaderDataError("leader setting '{}' is not a string".format(LEADER_KEY))
    return _parse_leader_yaml(text)


def _requested(relation_id, leader_requests, local_unit_data):
    source = leader_requests.get(str(relation_id))
    if source is None:
        source = local_unit_data
    return {key: source.get(key) or "" for key in REQUESTED_KEYS}


def _parse_leader_yaml(text):
    """Parse the YAML the pgsql library stores: ``{relation id: {key: string}}``.

    PyYAML >= 5.1 dumps it in block style, older releases put each inner mapping in flow style.
    Only that subset is understood, which keeps this module free of third-party packages.
    """
    result = {}
    current = None
    lines = _logical_lines(text)
    if len(lines) == 1 and lines[0][1].strip().startswith("{"):
        return _stringify(_FlowParser(lines[0][1].strip(), lines[0][0]).document())
    for number, line in lines:
        indent = len(line) - len(line.lstrip(" "))
        key, rest = _split_key(line.strip(), number)
        if indent == 0:
            if rest == "":
                current = result.setdefault(key, {})
            elif rest.startswith("{"):
                current = None
                result[key] = _FlowParser(rest, number).document()
            else:
                raise _yaml_error(number, "relation id without a mapping")
        elif current is None:
            raise _yaml_error(number, "unexpected indentation")
        else:
            current[key] = _plain_or_quoted(rest, number)
    return _stringify(result)


def _logical_lines(text):
    """Numbered lines, each with the lines PyYAML wrapped it onto joined by newlines.

    PyYAML wraps long flow mappings and long scalars; a wrapped line is indented deeper, or
    continues an open flow mapping or quoted scalar.
    """
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if lines and _continues(lines[-1][1], line):
            lines[-1] = (lines[-1][0], lines[-1][1] + "\n" + stripped)
        elif stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            lines.append((number, line.rstrip()))
    return lines


def _continues(previous, line):
    depth, quote = _open_constructs(previous)
    if depth > 0 or quote:
        return True
    indent = len(line) - len(line.lstrip(" "))
    previous_indent = len(previous) - len(previous.lstrip(" "))
    return bool(line.strip()) and previous_indent > 0 and indent > previous_indent


def _open_constructs(text):
    depth = 0
    quote = None
    value_starts = True
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1:index + 2]
        if (quote == '"' and char == "\\") or (quote == "'" and char + following == "''"):
            index += 1
        elif quote:
            quote = None if char == quote else quote
        elif char in ("'", '"', "{") and value_starts:
            # Quotes and braces mean something only where a value starts: "it's" is a plain scalar.
            if char == "{":
                depth += 1
            else:
                quote = char
        elif char == "}" and depth > 0:
            depth -= 1
        if not char.isspace():
            value_starts = (char == ":" and (following == "" or following.isspace())) or (
                depth > 0 and quote is None and char in ("{", ","))
        index += 1
    return depth, quote


def _stringify(document):
    if not isinstance(document, dict) or any(not isinstance(v, dict) for v in document.values()):
        raise _yaml_error(1, "not a mapping of relation id to settings")
    return {str(k): {str(key): value for key, value in v.items()} for k, v in document.items()}


def _yaml_error(line, what):
    return LeaderDataError("leader setting '{}' is not the YAML the pgsql library writes: {} at line {}".format(
        LEADER_KEY, what, line))


def _split_key(text, line):
    if text[:1] in ("'", '"'):
        key, end = _quoted(text, 0, line)
        rest = text[end:].lstrip()
        if not rest.startswith(":"):
            raise _yaml_error(line, "missing ':' after a key")
        return key, rest[1:].strip()
    match = re.match(r"([^:#]+?)\s*:(?:\s+|$)(.*)$", text, re.DOTALL)
    if not match:
        raise _yaml_error(line, "missing ':' after a key")
    return match.group(1), match.group(2).strip()


def _plain_or_quoted(text, line):
    if text[:1] in ("'", '"'):
        value, end = _quoted(text, 0, line)
        if text[end:].strip():
            raise _yaml_error(line, "text after a quoted value")
        return value
    return _plain(text)


def _plain(text):
    text = " ".join(part.strip() for part in text.split("\n"))
    return "" if text in ("", "~", "null", "Null", "NULL") else text


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0"}


def _quoted(text, start, line):
    """Return the value of the quoted scalar at ``start`` and the index after its closing quote."""
    quote = text[start]
    out = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\n":
            breaks = len(text[index:]) - len(text[index:].lstrip("\n"))
            out.append(" " if breaks == 1 else "\n" * (breaks - 1))
            index += breaks
            continue
        if quote == "'" and char == "'":
            if text[index + 1:index + 2] == "'":
                out.append("'")
                index += 2
                continue
            return "".join(out), index + 1
        if quote == '"' and char == '"':
            return "".join(out), index + 1
        if quote == '"' and char == "\\":
            code = text[index + 1:index + 2]
            widths = {"x": 2, "u": 4, "U": 8}
            if code in widths:
                digits = text[index + 2:index + 2 + widths[code]]
                if len(digits) != widths[code] or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise _yaml_error(line, "bad escape in a quoted value")
                out.append(chr(int(digits, 16)))
                index += 2 + widths[code]
                continue
            if code == "\n":
                index += 2
                continue
            if code not in _ESCAPES:
                raise _yaml_error(line, "bad escape in a quoted value")
            out.append(_ESCAPES[code])
            index += 2
            continue
        out.append(char)
        index += 1
    raise _yaml_error(line, "unterminated quoted value")


class _FlowParser:
    """Flow mappings such as ``{10: {database: myapp, roles: ''}}``."""

    def __init__(self, text, line):
        self.text = text
        self.line = line
        self.index = 0

    def document(self):
        value = self._mapping()
        if self.text[self.index:].strip():
            raise _yaml_error(self.line, "text after a mapping")
        return value

    def _skip(self):
        while self.index < len(self.text) and self.text[self.index] in " \n":
            self.index += 1

    def _expect(self, char):
        self._skip()
        if self.text[self.index:self.index + 1] != char:
            raise _yaml_error(self.line, "expected '{}' at column {}".format(char, self.index + 1))
        self.index += 1

    def _mapping(self):
        self._expect("{")
        result = {}
        self._skip()
        if self.text[self.index:self.index + 1] == "}":
            self.index += 1
            return result
        while True:
            key = self._scalar(":")
            self._expect(":")
            self._skip()
            result[key] = self._mapping() if self.text[self.index:self.index + 1] == "{" else self._scalar(",}")
            self._skip()
            if self.text[self.index:self.index + 1] == ",":
                self.index += 1
                continue
            self._expect("}")
            return result

    def _scalar(self, stops):
        self._skip()
        if self.text[self.index:self.index + 1] in ("'", '"'):
            value, self.index = _quoted(self.text, self.index, self.line)
            return value
        start = self.index
        while self.index < len(self.text) and self.text[self.index] not in stops:
            self.index += 1
        return _plain(self.text[start:self.index].strip())


# --- building the document -------------------------------------------------------------------


def raw_relations(endpoint="db", exclude_relation_ids=None):
    """Read every relation of ``endpoint`` with the hook tools, as raw-shape relation objects.

    In a ``<endpoint>-relation-broken`` hook Juju still lists the relation being removed; it is
    left out (found from ``JUJU_RELATION_ID``), as are the ids in ``exclude_relation_ids``.
    """
    excluded = set(exclude_relation_ids or ())
    broken = _broken_relation_id()
    if broken is not None:
        excluded.add(broken)
    relation_ids = [rid for rid in _relation_ids(endpoint) if rid not in excluded]
    if not relation_ids:
        return []
    local_unit = _local_unit()
    leader_requests = _leader_requests()
    relations = []
    for relation_id in relation_ids:
        units = _remote_units(relation_id)
        remote_app = _remote_app(relation_id, units)
        local_data = _bag("relation-get", "--format=json", "-r", str(relation_id), "-", local_unit)
        relations.append({
            "shape": "raw",
            "endpoint": endpoint,
            "relation-id": relation_id,
            "remote-app": remote_app,
            "local-unit": local_unit,
            "local-unit-data": local_data,
            "requested": _requested(relation_id, leader_requests, local_data),
            "remote-app-data": _remote_app_bag(relation_id, remote_app),
            "remote-units-data": {
                unit: _bag("relation-get", "--format=json", "-r", str(relation_id), "-", unit) for unit in units
            },
        })
    return relations


def postgresql_client_relations(endpoint="database", exclude_relation_ids=None, requested=None):
    """Read every ``postgresql_client`` relation of ``endpoint`` with the hook tools.

    Each relation object holds the provider's application bag as Juju returns it
    (``remote-app-data``), the content of each Juju secret that bag names in a ``secret-*``
    field, read with ``secret-get --refresh`` (``secrets``, keyed by that field), and the
    request (``requested``). A secret this unit cannot read (not granted yet, removed) is left
    out with a warning on stderr naming the field and the URI; the workload then reports the
    relation as not ready until a later hook (``secret-changed``, ``<endpoint>-relation-changed``)
    exports it again.

    The request is what the data-platform library's ``DatabaseRequires`` put in this
    application's bag in ``relation-created``: the leader reads it there. Other units cannot
    read their own application's bag, so they write ``requested``, a mapping of the same keys
    (``database``, ``extra-user-roles``, ...) that the charm gives ``DatabaseRequires``
    (typically from its configuration); the leader also falls back to it before the library
    has written the bag. Broken and excluded relations are left out as in :func:`raw_relations`.
    """
    fallback = _request_argument(requested)
    excluded = set(exclude_relation_ids or ())
    broken = _broken_relation_id()
    if broken is not None:
        excluded.add(broken)
    relation_ids = [rid for rid in _relation_ids(endpoint) if rid not in excluded]
    if not relation_ids:
        return []
    local_app = _local_unit().split("/")[0]
    leader = _is_leader()
    relations = []
    known_secrets = []
    try:
        for relation_id in relation_ids:
            remote_app = _remote_app(relation_id, _remote_units(relation_id))
            remote_data = _remote_app_bag(relation_id, remote_app)
            relations.append({
                "interface": POSTGRESQL_CLIENT,
                "endpoint": endpoint,
                "relation-id": relation_id,
                "remote-app": remote_app,
                "requested": _postgresql_client_request(relation_id, local_app, leader, fallback),
                "remote-app-data": remote_data,
                "secrets": _secrets(endpoint, relation_id, remote_data, known_secrets),
            })
    except HookToolError as ex:
        # A later tool's stderr could quote what an earlier secret held.
        raise type(ex)(_mask_secrets(str(ex), known_secrets), ex.exit_code,
                       _mask_secrets(ex.stderr, known_secrets)) from None
    return relations


def _request_argument(requested):
    if requested is None:
        return {}
    if not isinstance(requested, dict):
        raise ValueError("requested must be a mapping of {} to strings".format(
            ", ".join(POSTGRESQL_CLIENT_REQUEST_KEYS)))
    for key, value in requested.items():
        if key not in POSTGRESQL_CLIENT_REQUEST_KEYS:
            raise ValueError("requested has the key '{}'; a postgresql_client request has {}".format(
                key, ", ".join(POSTGRESQL_CLIENT_REQUEST_KEYS)))
        if value is not None and not isinstance(value, str):
            raise ValueError("requested['{}'] is not a string".format(key))
    return {key: value for key, value in requested.items() if value}


def _is_leader():
    answer = _run_json("is-leader", "--format=json")
    if not isinstance(answer, bool):
        raise HookToolError("is-leader --format=json printed JSON that is not true or false")
    return answer


def _postgresql_client_request(relation_id, local_app, leader, fallback):
    request = {}
    if leader:
        own = _bag("relation-get", "--format=json", "--app", "-r", str(relation_id), "-", local_app)
        request = {key: own[key] for key in POSTGRESQL_CLIENT_REQUEST_KEYS if own.get(key)}
    if "database" not in request:
        request = dict(fallback)
    request.setdefault("database", "")
    return request


_SECRET_URI = re.compile(r"secret:[A-Za-z0-9/._:-]+$")

# Values of these keys are not secret; every other value read from a secret is masked in errors.
_PUBLIC_SECRET_KEYS = ("username", "entity-name", "tls", "tls-ca")


def _secrets(endpoint, relation_id, remote_data, known_secrets):
    secrets = {}
    for field in sorted(remote_data):
        uri = remote_data[field]
        if not field.startswith(SECRET_FIELD_PREFIX) or not uri:
            continue
        where = "{} of relation {}:{}".format(field, endpoint, relation_id)
        if not _SECRET_URI.match(uri):
            # Never handed to secret-get, where a value starting with "-" would be an option.
            _warn("{} is not a Juju secret URI; left out".format(where))
            continue
        try:
            content = _bag("secret-get", "--format=json", "--refresh", uri)
        except HookToolError as ex:
            if ex.exit_code is None or not _UNREADABLE_SECRET.search(ex.stderr):
                raise
            _warn("{}: cannot read secret {} ({}); left out until a later hook can".format(
                where, uri, _mask_secrets(ex.stderr, known_secrets)))
            continue
        known_secrets.extend(v for k, v in content.items() if k not in _PUBLIC_SECRET_KEYS)
        secrets[field] = content
    return secrets


def _warn(message):
    print("pgsql_relation_state.py: warning: {}".format(message), file=sys.stderr)


def resolved_relation(endpoint, relation_id, remote_app, master, standbys=(), database=None, version=None):
    """A resolved-shape relation object from what the ``pgsql`` library's events carry.

    ``master`` and each standby may be strings or the library's ``ConnectionString`` objects.
    """
    relation = {
        "shape": "resolved",
        "endpoint": str(endpoint),
        "relation-id": int(relation_id),
        "remote-app": str(remote_app),
        "master": None if master is None else str(master),
        "standbys": [str(standby) for standby in (standbys or ())],
    }
    if database is not None:
        relation["database"] = str(database)
    if version is not None:
        relation["version"] = str(version)
    return relation


def render_document(relations):
    """The state file's bytes: sorted keys, two-space indentation, trailing newline."""
    ordered = sorted(relations, key=lambda r: (r["endpoint"], r["relation-id"]))
    document = {"version": FORMAT_VERSION, "relations": ordered}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def render_raw(endpoint="db", exclude_relation_ids=None, interface=PGSQL, requested=None):
    """The state file's bytes for the relations of ``endpoint``, read with the hook tools.

    ``endpoint`` is a name, a list of names (each following ``interface``), or a mapping of
    name to interface, e.g. ``{"db": "pgsql", "database": "postgresql_client"}``: all go into one
    document. ``requested`` is the ``postgresql_client`` request for units that cannot read it
    (see :func:`postgresql_client_relations`); ``pgsql`` requests come from leader data.
    """
    relations = []
    for name, kind in _endpoints(endpoint, interface):
        if kind == POSTGRESQL_CLIENT:
            relations.extend(postgresql_client_relations(name, exclude_relation_ids, requested))
        else:
            relations.extend(raw_relations(name, exclude_relation_ids))
    return render_document(relations)


def _endpoints(endpoint, interface):
    if isinstance(endpoint, str):
        pairs = [(endpoint, interface)]
    elif isinstance(endpoint, dict):
        pairs = list(endpoint.items())
    else:
        pairs = [(name, interface) for name in endpoint]
    for name, kind in pairs:
        if kind not in INTERFACES:
            raise ValueError("endpoint '{}' has the interface '{}'; this module exports {}".format(
                name, kind, " and ".join(INTERFACES)))
    return pairs


def render_resolved(endpoint, relation_id, remote_app, master, standbys=(), database=None, version=None):
    """The resolved-shape state file's bytes for one relation."""
    return render_document([resolved_relation(endpoint, relation_id, remote_app, master, standbys, database,
                                              version)])


# --- writing ---------------------------------------------------------------------------------


def _ids(owner, group):
    uid = -1 if owner is None else _uid(owner)
    gid = -1 if group is None else _gid(group)
    return uid, gid


def _uid(owner):
    if isinstance(owner, int):
        return owner
    if owner.isdigit():
        return int(owner)
    try:
        return pwd.getpwnam(owner).pw_uid
    except KeyError:
        raise ValueError("no such user: '{}'".format(owner)) from None


def _gid(group):
    if isinstance(group, int):
        return group
    if group.isdigit():
        return int(group)
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise ValueError("no such group: '{}'".format(group)) from None


def write_state_file(path, data, owner=None, group=None, mode=0o600):
    """Write ``data`` to ``path`` atomically; return False when the file already held it.

    A file that already has these bytes is left alone (its mtime does not move), so the
    workload sees no spurious refresh; only its owner and mode are corrected if they differ.
    Otherwise a temporary file in the same directory is written, flushed, fsynced and renamed
    over ``path``, and the directory is fsynced. ``owner``/``group`` are names or ids.
    """
    path = os.fspath(path)
    uid, gid = _ids(owner, group)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, "rb") as existing:
            unchanged = existing.read() == data
            if unchanged:
                _set_owner_and_mode(existing.fileno(), uid, gid, mode)
                return False
    except FileNotFoundError:
        pass
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            _set_owner_and_mode(out.fileno(), uid, gid, mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)
    return True


def _set_owner_and_mode(fd, uid, gid, mode):
    status = os.fstat(fd)
    if (uid != -1 and status.st_uid != uid) or (gid != -1 and status.st_gid != gid):
        os.fchown(fd, uid, gid)
    if status.st_mode & 0o7777 != mode:
        os.fchmod(fd, mode)


def _fsync_directory(directory):
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def export_raw(endpoint, path, owner=None, group=None, exclude_relation_ids=None, interface=PGSQL, requested=None):
    """Read ``endpoint``'s relations and write the state file; return whether it changed.

    ``endpoint``, ``interface`` and ``requested`` are as for :func:`render_raw`.
    """
    return write_state_file(path, render_raw(endpoint, exclude_relation_ids, interface, requested), owner, group)


def push_if_changed(container, path, data, **push_options):
    """Push ``data`` into a Kubernetes workload container with Pebble unless it already holds it.

    ``container`` is an ``ops.Container``; ``push_options`` go to ``container.push`` (e.g.
    ``user``, ``group``). The file is pushed with permissions 0600; Pebble writes it atomically.
    """
    try:
        with container.pull(path, encoding=None) as current:
            if current.read() == data:
                return False
    except Exception:  # ops.pebble.PathError when the file does not exist yet; push reports the rest
        pass
    container.push(path, data, permissions=0o600, make_dirs=True, **push_options)
    return True


# --- command line ----------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="pgsql_relation_state.py",
        description="Write the pgsql-relation state file for the workload (run from a Juju hook).")
    parser.add_argument("--endpoint", action="append", metavar="NAME[=INTERFACE]",
                        help="relation endpoint, with its interface: pgsql (the default) or postgresql_client "
                             "(default: db; repeatable)")
    parser.add_argument("--output", required=True, help="state file path, or - for standard output")
    parser.add_argument("--owner", help="owner of the file: user, user:group, or uid:gid")
    request = parser.add_argument_group(
        "postgresql_client request",
        "what the charm asks the provider for; written by units that cannot read the request in their "
        "application's bag (every unit but the leader)")
    request.add_argument("--database")
    request.add_argument("--extra-user-roles")
    request.add_argument("--extra-group-roles")
    request.add_argument("--external-node-connectivity", action="store_const", const="true")
    args = parser.parse_args(argv)
    owner, _, group = (args.owner or "").partition(":")
    endpoints = {}
    for spec in args.endpoint or ["db"]:
        name, _, interface = spec.partition("=")
        endpoints[name] = interface or PGSQL
    requested = {"database": args.database, "extra-user-roles": args.extra_user_roles,
                 "extra-group-roles": args.extra_group_roles,
                 "external-node-connectivity": args.external_node_connectivity}
    try:
        data = render_raw(endpoints, requested=requested)
        if args.output == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return 0
        changed = write_state_file(args.output, data, owner or None, group or None)
    except (HookToolError, LeaderDataError, ValueError, OSError) as ex:
        print("pgsql_relation_state.py: {}".format(ex), file=sys.stderr)
        return 1
    print("{} {}".format(args.output, "written" if changed else "unchanged"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

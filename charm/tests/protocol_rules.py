"""The pgsql protocol's readiness rules, written from the interface description, to check
that every golden ``*.outcome.json`` says what a reader of the state file must conclude."""

import ipaddress
import shlex


def outcome(document, endpoint="db"):
    relations = [r for r in document["relations"] if r["endpoint"] == endpoint]
    if not relations:
        return _nothing("NO_RELATION")
    if len(relations) > 1:
        return _nothing("AMBIGUOUS")
    relation = relations[0]
    if relation["shape"] == "resolved":
        return _ready(relation.get("master"), relation.get("standbys", []), relation.get("database"),
                      relation.get("version"))
    requested = relation["requested"]
    local = relation["local-unit-data"]
    bags = [relation.get("remote-app-data", {})]
    bags += [relation["remote-units-data"][unit] for unit in sorted(relation["remote-units-data"])]
    for bag in bags:
        if (bag.get("master") or bag.get("standbys")) and _is_ready(bag, requested, local):
            standbys = [s for line in bag.get("standbys", "").splitlines() for s in _split_commas(line)]
            return _ready(bag.get("master"), standbys, requested.get("database") or bag.get("database"),
                          bag.get("version"))
    return _nothing("NOT_READY")


def _is_ready(bag, requested, local):
    for key in ("database", "roles", "extensions"):
        want = requested.get(key, "")
        if key == "database" and want == "":
            continue
        if bag.get(key, "") != want:
            return False
    allowed = _csplit(bag.get("allowed-subnets"))
    return all(_granted(egress, allowed) for egress in _csplit(local.get("egress-subnets")))


def _granted(egress, allowed):
    """Listed as is, or inside a wider allowed subnet (as pg_hba.conf then lets it in)."""
    if egress in allowed:
        return True
    try:
        inner = ipaddress.ip_network(egress, strict=False)
    except ValueError:
        return False
    for candidate in allowed:
        try:
            outer = ipaddress.ip_network(candidate, strict=False)
        except ValueError:
            continue
        if inner.version == outer.version and inner.subnet_of(outer):
            return True
    return False


def _csplit(text):
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def _split_commas(line):
    # A comma separates two connection strings only where a new "keyword=" begins.
    parts = []
    for piece in line.split(","):
        if parts and "=" not in piece.split(" ", 1)[0]:
            parts[-1] += "," + piece
        else:
            parts.append(piece)
    return [p for p in parts if p.strip()]


def host(connection_string):
    lexer = shlex.shlex(connection_string, posix=True)
    lexer.whitespace_split = True
    lexer.escape = "\\"
    lexer.escapedquotes = "'\""
    for token in lexer:
        keyword, _, value = token.partition("=")
        if keyword == "host":
            return value
    return None


def _ready(master, standbys, database, version):
    return {"status": "READY", "master_host": host(master) if master else None,
            "standby_hosts": [host(s) for s in standbys], "database": database, "version": version}


def _nothing(status):
    return {"status": status, "master_host": None, "standby_hosts": [], "database": None, "version": None}

"""The readiness rules of the pgsql and postgresql_client interfaces, written from the
interface descriptions, to check that every golden ``*.outcome.json`` says what a reader of
the state file must conclude. The Java reader implements the same rules (relation.pgsql,
relation.postgresqlclient); a change here is a change there."""

import ipaddress
import re
import shlex


def outcome(document, endpoint="db"):
    relations = [r for r in document["relations"] if r["endpoint"] == endpoint]
    if not relations:
        return _nothing("NO_RELATION")
    if len(relations) > 1:
        return _nothing("AMBIGUOUS")
    relation = relations[0]
    if relation.get("interface", "pgsql") == "postgresql_client":
        return _postgresql_client(relation)
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
            "standby_hosts": [host(s) for s in standbys], "database": database, "version": version, "tls": False}


def _nothing(status):
    return {"status": status, "master_host": None, "standby_hosts": [], "database": None, "version": None,
            "tls": False}


# --- postgresql_client ---------------------------------------------------------------------------

# Fields an older provider (before Juju secrets) puts in its application bag; secret content wins.
_PLAIN_FIELDS = ("username", "password", "uris", "read-only-uris", "tls", "tls-ca")


def _postgresql_client(relation):
    """Ready when the requested database is published, the credentials are known (from the
    secret named in secret-user, or plain fields), a read-write endpoint is known and, with TLS
    on, a CA is given. Every secret the bag names in secret-user or secret-tls must be resolved."""
    requested = relation.get("requested") or {}
    bag = relation.get("remote-app-data") or {}
    secrets = relation.get("secrets") or {}
    database = requested.get("database") or ""
    if not database or bag.get("database") != database:
        return _nothing("NOT_READY")
    fields = {key: bag[key] for key in _PLAIN_FIELDS if bag.get(key)}
    for name in ("secret-user", "secret-tls"):
        if bag.get(name):
            if secrets.get(name) is None:
                return _nothing("NOT_READY")
            fields.update(secrets[name])
    if not fields.get("username") or not fields.get("password"):
        return _nothing("NOT_READY")
    primary = _endpoints(bag.get("endpoints")) or _uri_endpoints(fields.get("uris"))
    if not primary:
        return _nothing("NOT_READY")
    tls = fields.get("tls", "").lower() == "true"
    if tls and not fields.get("tls-ca"):
        return _nothing("NOT_READY")
    standbys = [e for e in _endpoints(bag.get("read-only-endpoints")) if e not in primary]
    return {"status": "READY", "master_host": primary[0][0], "standby_hosts": sorted(h for h, _ in standbys),
            "database": database, "version": bag.get("version"), "tls": tls}


def _endpoints(text):
    """``host:port`` pairs of a comma list; IPv6 hosts bracketed or not (the port follows the last colon)."""
    result = []
    for item in _csplit(text):
        bracketed = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?", item)
        if bracketed:
            result.append((bracketed.group(1), int(bracketed.group(2) or 5432)))
            continue
        head, _, tail = item.rpartition(":")
        if head and tail.isdigit():
            result.append((head, int(tail)))
        else:
            result.append((item, 5432))
    return result


def _uri_endpoints(uri):
    match = re.match(r"postgres(?:ql)?://(?:[^@/]*@)?([^/?]*)", uri or "")
    return _endpoints(match.group(1)) if match else []

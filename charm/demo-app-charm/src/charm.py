#!/usr/bin/env python3
"""Machine charm of the pgsql-relation demo app.

The ``pgsql`` library (ops-lib-pgsql) asks PostgreSQL for the database; the state file exporter
hands the relation to the app, which applies the readiness rules and routes by itself. The charm
never restarts the app for a relation change: the app watches the state file.
"""

import logging
import pathlib
import shutil
import subprocess

import ops
import pgsql

import pgsql_relation_state

logger = logging.getLogger(__name__)

SERVICE = "demo-app"
USER = "demo-app"
HOME = pathlib.Path("/var/lib/demo-app")
STATE_FILE = HOME / "pgsql-relation-state.json"
JAR = pathlib.Path("/opt/demo-app/demo-app.jar")
UNIT_FILE = pathlib.Path("/etc/systemd/system/demo-app.service")

UNIT_TEMPLATE = """\
[Unit]
Description=pgsql-relation demo app
After=network-online.target

[Service]
User={user}
WorkingDirectory={home}
Environment=PGSQL_RELATION_STATE_FILE={state_file}
Environment=SERVER_PORT={port}
ExecStart=/usr/bin/java -jar {jar}
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""


class DemoAppCharm(ops.CharmBase):
    """Runs the demo app and keeps its relation state file current."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        # Created before the observers below, so the library's handlers run first in each hook
        # and the request they record in leader data is already there when the file is exported.
        self.db = pgsql.PostgreSQLClient(self, "db")
        framework.observe(self.db.on.database_relation_joined, self._on_database_relation_joined)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.upgrade_charm, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        for event in (
            self.on.db_relation_joined,
            self.on.db_relation_changed,
            self.on.db_relation_departed,
            self.on.db_relation_broken,
            self.on.leader_settings_changed,
            self.on.leader_elected,
            self.on.upgrade_charm,
            self.on.config_changed,
        ):
            framework.observe(event, self._export_relation_state)

    def _on_database_relation_joined(self, event: pgsql.DatabaseRelationJoinedEvent) -> None:
        if self.unit.is_leader():
            event.database = self.config["database"]

    def _on_install(self, event: ops.EventBase) -> None:
        self.unit.status = ops.MaintenanceStatus("installing the demo app")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "openjdk-17-jre-headless"],
                       check=True)
        if subprocess.run(["id", "-u", USER], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--system", "--home-dir", str(HOME), "--shell", "/usr/sbin/nologin", USER],
                           check=True)
        HOME.mkdir(mode=0o750, parents=True, exist_ok=True)
        shutil.chown(HOME, USER, USER)
        JAR.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.model.resources.fetch("demo-app-jar"), JAR)

    def _on_config_changed(self, event: ops.ConfigChangedEvent) -> None:
        port = int(self.config["port"])
        unit = UNIT_TEMPLATE.format(user=USER, home=HOME, state_file=STATE_FILE, port=port, jar=JAR)
        if not UNIT_FILE.exists() or UNIT_FILE.read_text() != unit:
            UNIT_FILE.write_text(unit)
            subprocess.run(["systemctl", "daemon-reload"], check=True)
            subprocess.run(["systemctl", "enable", SERVICE], check=True)
            subprocess.run(["systemctl", "restart", SERVICE], check=True)
        self.unit.set_ports(port)

    def _export_relation_state(self, event: ops.EventBase) -> None:
        # In its broken hook Juju still lists the relation; it must vanish from the file.
        going = [event.relation.id] if isinstance(event, ops.RelationBrokenEvent) else []
        changed = pgsql_relation_state.export_raw("db", STATE_FILE, owner=USER, group=USER,
                                                  exclude_relation_ids=going)
        if changed:
            logger.info("relation state file %s updated", STATE_FILE)
        relations = [r for r in self.model.relations["db"] if r.id not in going]
        if relations:
            self.unit.status = ops.ActiveStatus()
        else:
            self.unit.status = ops.BlockedStatus("needs a database: juju integrate demo-app postgresql:db")


if __name__ == "__main__":
    ops.main(DemoAppCharm)

#!/usr/bin/env python3
"""Machine charm of the pgsql-relation demo app.

Two ways to a PostgreSQL database: the ``database`` endpoint (interface ``postgresql_client``,
asked for with the data-platform library's ``DatabaseRequires``) and the legacy ``db`` endpoint
(interface ``pgsql``, asked for with ops-lib-pgsql). The state file exporter hands both to the
app, which applies the readiness rules and routes by itself; the config option ``endpoint`` says
which one it follows. The charm never restarts the app for a relation change: the app watches
the state file.
"""

import logging
import pathlib
import shutil
import subprocess

import ops
import pgsql
from charms.data_platform_libs.v0.data_interfaces import DatabaseRequires

import pgsql_relation_state

logger = logging.getLogger(__name__)

SERVICE = "demo-app"
USER = "demo-app"
HOME = pathlib.Path("/var/lib/demo-app")
STATE_FILE = HOME / "pgsql-relation-state.json"
ENDPOINTS = {"database": pgsql_relation_state.POSTGRESQL_CLIENT, "db": pgsql_relation_state.PGSQL}
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
Environment=PGSQL_RELATION_ENDPOINT={endpoint}
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
        # Both libraries are created before the observers below, so their handlers run first in
        # each hook and the request they record (the pgsql library in leader data, DatabaseRequires
        # in the application bag in database-relation-created) is there when the file is exported.
        self.db = pgsql.PostgreSQLClient(self, "db")
        framework.observe(self.db.on.database_relation_joined, self._on_database_relation_joined)
        self.database = DatabaseRequires(self, relation_name="database", database_name=self.config["database"])
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.upgrade_charm, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        # Every hook that can change what the file holds exports everything: the library fires at
        # most one of its events per hook (database_created hides endpoints_changed), and none
        # for a new secret revision (a rotated password), which arrives as secret-changed.
        for event in (
            self.on.db_relation_joined,
            self.on.db_relation_changed,
            self.on.db_relation_departed,
            self.on.db_relation_broken,
            self.on.database_relation_created,
            self.on.database_relation_joined,
            self.on.database_relation_changed,
            self.on.database_relation_departed,
            self.on.database_relation_broken,
            self.on.secret_changed,
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
        endpoint = self._endpoint()
        if not endpoint:
            self.unit.status = ops.BlockedStatus("config endpoint must be database or db")
            return
        unit = UNIT_TEMPLATE.format(user=USER, home=HOME, state_file=STATE_FILE, endpoint=endpoint, port=port, jar=JAR)
        if not UNIT_FILE.exists() or UNIT_FILE.read_text() != unit:
            UNIT_FILE.write_text(unit)
            subprocess.run(["systemctl", "daemon-reload"], check=True)
            subprocess.run(["systemctl", "enable", SERVICE], check=True)
            subprocess.run(["systemctl", "restart", SERVICE], check=True)
        self.unit.set_ports(port)

    def _endpoint(self) -> str:
        """The endpoint the app follows, or "" when the config option names none of ours."""
        endpoint = str(self.config["endpoint"])
        return endpoint if endpoint in ENDPOINTS else ""

    def _export_relation_state(self, event: ops.EventBase) -> None:
        # In its broken hook Juju still lists the relation; it must vanish from the file.
        going = [event.relation.id] if isinstance(event, ops.RelationBrokenEvent) else []
        # Units other than the leader cannot read the request DatabaseRequires wrote to the
        # application bag: they write the one this charm gave it.
        changed = pgsql_relation_state.export_raw(ENDPOINTS, STATE_FILE, owner=USER, group=USER,
                                                  exclude_relation_ids=going,
                                                  requested={"database": self.config["database"]})
        if changed:
            logger.info("relation state file %s updated", STATE_FILE)
        endpoint = self._endpoint()
        relations = [r for r in self.model.relations[endpoint] if r.id not in going] if endpoint else []
        if not endpoint:
            self.unit.status = ops.BlockedStatus("config endpoint must be database or db")
        elif relations:
            self.unit.status = ops.ActiveStatus()
        else:
            self.unit.status = ops.BlockedStatus(
                "needs a database: juju integrate demo-app:{} postgresql:{}".format(endpoint, endpoint))


if __name__ == "__main__":
    ops.main(DemoAppCharm)

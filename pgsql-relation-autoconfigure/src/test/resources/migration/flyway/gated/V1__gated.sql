-- Fails until the test creates migration_gate, as a migration that needs a fix would.
CREATE TABLE migrated (tool text, server_port int);
INSERT INTO migration_gate VALUES (1);
INSERT INTO migrated VALUES ('flyway', inet_server_port());

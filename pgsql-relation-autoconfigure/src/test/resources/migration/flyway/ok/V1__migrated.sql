-- Records the server it ran on: a standby would refuse the CREATE TABLE anyway.
CREATE TABLE migrated (tool text, server_port int);
INSERT INTO migrated VALUES ('flyway', inet_server_port());

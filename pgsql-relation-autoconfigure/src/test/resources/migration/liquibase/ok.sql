--liquibase formatted sql

--changeset pgsql-relation:1
CREATE TABLE migrated (tool text, server_port int);
INSERT INTO migrated VALUES ('liquibase', inet_server_port());

/**
 * Canonical's current {@code postgresql_client} Juju interface (endpoint usually
 * {@code database}): its state file entries, the provider's application bag with the
 * resolved content of the Juju secrets it names, readiness rules, endpoint lists and the
 * relation's TLS trust. The interface is specified in canonical/charm-relation-interfaces
 * ({@code interfaces/postgresql_client/v0}) and implemented by
 * canonical/data-platform-libs
 * ({@code lib/charms/data_platform_libs/v0/data_interfaces.py}).
 */
@NullMarked
package io.github.pgsqlrelation.relation.postgresqlclient;

import org.jspecify.annotations.NullMarked;

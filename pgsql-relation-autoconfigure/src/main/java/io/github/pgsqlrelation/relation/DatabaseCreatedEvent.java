package io.github.pgsqlrelation.relation;

/**
 * The relation's credentials and read-write endpoint became usable
 * ({@code database_created}): the relation was not in force before, or another one was.
 * <p>
 * An event of the {@code postgresql_client} interface, named after the requirer events of
 * canonical/data-platform-libs
 * ({@code lib/charms/data_platform_libs/v0/data_interfaces.py}); published after the
 * interface-neutral events of the same change.
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseCreatedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

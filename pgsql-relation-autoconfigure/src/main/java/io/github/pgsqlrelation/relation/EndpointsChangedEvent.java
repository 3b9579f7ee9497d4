package io.github.pgsqlrelation.relation;

/**
 * The read-write endpoint of the relation in force changed ({@code endpoints_changed}),
 * e.g. after a switchover.
 * <p>
 * An event of the {@code postgresql_client} interface, named after the requirer events of
 * canonical/data-platform-libs
 * ({@code lib/charms/data_platform_libs/v0/data_interfaces.py}); published after the
 * interface-neutral events of the same change.
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record EndpointsChangedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

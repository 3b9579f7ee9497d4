package io.github.pgsqlrelation.relation;

/**
 * The user name or password of the relation in force changed
 * ({@code authentication_updated}, data-platform-libs v1), e.g. after a new revision of
 * the secret named in {@code secret-user}.
 * <p>
 * An event of the {@code postgresql_client} interface, named after the requirer events of
 * canonical/data-platform-libs
 * ({@code lib/charms/data_platform_libs/v0/data_interfaces.py}); published after the
 * interface-neutral events of the same change.
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record AuthenticationUpdatedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

package io.github.pgsqlrelation.relation;

/**
 * Standbys became available ({@code standby_available}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record StandbyAvailableEvent(RelationSnapshot snapshot) implements RelationEvent {

}

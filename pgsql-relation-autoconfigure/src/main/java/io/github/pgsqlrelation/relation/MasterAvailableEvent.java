package io.github.pgsqlrelation.relation;

/**
 * A master became available ({@code master_available}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record MasterAvailableEvent(RelationSnapshot snapshot) implements RelationEvent {

}

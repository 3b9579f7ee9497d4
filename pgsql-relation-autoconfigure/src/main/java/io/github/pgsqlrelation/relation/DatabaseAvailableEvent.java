package io.github.pgsqlrelation.relation;

/**
 * A master or a standby became available ({@code database_available}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseAvailableEvent(RelationSnapshot snapshot) implements RelationEvent {

}

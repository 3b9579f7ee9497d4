package io.github.pgsqlrelation.relation;

/**
 * The master or the standbys changed ({@code database_changed}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseChangedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

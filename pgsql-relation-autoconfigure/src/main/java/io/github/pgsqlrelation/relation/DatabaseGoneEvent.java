package io.github.pgsqlrelation.relation;

/**
 * Neither a master nor a standby is left ({@code database_gone}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseGoneEvent(RelationSnapshot snapshot) implements RelationEvent {

}

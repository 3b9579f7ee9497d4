package io.github.pgsqlrelation.relation;

/**
 * The last standby went away ({@code standby_gone}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record StandbyGoneEvent(RelationSnapshot snapshot) implements RelationEvent {

}

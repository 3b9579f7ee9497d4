package io.github.pgsqlrelation.relation;

/**
 * The master went away ({@code master_gone}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record MasterGoneEvent(RelationSnapshot snapshot) implements RelationEvent {

}

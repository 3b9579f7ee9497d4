package io.github.pgsqlrelation.relation;

/**
 * The master changed in any way: appeared, changed or went ({@code master_changed}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record MasterChangedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

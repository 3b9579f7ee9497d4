package io.github.pgsqlrelation.relation;

/**
 * The set of standbys changed in any way ({@code standby_changed}).
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record StandbyChangedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

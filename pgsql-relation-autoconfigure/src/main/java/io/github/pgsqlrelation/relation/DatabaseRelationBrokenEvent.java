package io.github.pgsqlrelation.relation;

/**
 * A relation left the endpoint ({@code database_relation_broken}); its snapshot is the
 * relation's last one.
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseRelationBrokenEvent(RelationSnapshot snapshot) implements RelationEvent {

}

package io.github.pgsqlrelation.relation;

/**
 * A relation joined the endpoint ({@code database_relation_joined}); its snapshot is the
 * relation's own.
 *
 * @param snapshot what the endpoint hands out after this event
 */
public record DatabaseRelationJoinedEvent(RelationSnapshot snapshot) implements RelationEvent {

}

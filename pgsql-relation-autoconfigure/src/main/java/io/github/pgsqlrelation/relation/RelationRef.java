package io.github.pgsqlrelation.relation;

/**
 * Identifies one relation: the local endpoint (e.g. {@code db}), Juju's relation id and
 * the remote application.
 *
 * @param endpoint the local endpoint name
 * @param id the Juju relation id
 * @param remoteApp the remote application name
 */
public record RelationRef(String endpoint, int id, String remoteApp) {

	@Override
	public String toString() {
		return this.endpoint + ":" + this.id + " (" + this.remoteApp + ")";
	}

}

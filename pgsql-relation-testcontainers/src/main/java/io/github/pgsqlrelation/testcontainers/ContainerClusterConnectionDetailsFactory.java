package io.github.pgsqlrelation.testcontainers;

import java.nio.file.Path;

import io.github.pgsqlrelation.autoconfigure.PgsqlRelationConnectionDetails;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link PgsqlRelationConnectionDetails} for a {@link ContainerCluster} declared with
 * {@code @ServiceConnection}: the starter follows the cluster's relation state file,
 * which the cluster rewrites at every change of topology.
 */
class ContainerClusterConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<ContainerCluster, PgsqlRelationConnectionDetails> {

	ContainerClusterConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "io.github.pgsqlrelation.autoconfigure.PgsqlRelationConnectionDetails");
	}

	@Override
	protected PgsqlRelationConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<ContainerCluster> source) {
		return new ContainerClusterConnectionDetails(source);
	}

	/**
	 * The relation state file of a started cluster.
	 */
	static final class ContainerClusterConnectionDetails extends ContainerConnectionDetails<ContainerCluster>
			implements PgsqlRelationConnectionDetails {

		ContainerClusterConnectionDetails(ContainerConnectionSource<ContainerCluster> source) {
			super(source);
		}

		@Override
		public Path getStateFile() {
			return getContainer().relationStateFile();
		}

	}

}

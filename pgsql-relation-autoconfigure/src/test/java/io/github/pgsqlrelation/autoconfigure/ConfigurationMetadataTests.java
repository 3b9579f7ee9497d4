package io.github.pgsqlrelation.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata generated from {@link PgsqlRelationProperties}, which IDEs
 * show.
 */
class ConfigurationMetadataTests {

	@Test
	void describesEveryRelationPropertyAndThePoolSettings() throws IOException {
		Map<String, JsonNode> properties = properties();
		assertThat(properties.get("pgsql.relation.state-file").get("description").asString())
			.startsWith("Location of the relation state file");
		assertThat(properties.get("pgsql.relation.endpoint").get("defaultValue").asString()).isEqualTo("db");
		assertThat(properties.get("pgsql.relation.routing.read-fallback-to-master").get("defaultValue").asBoolean())
			.isTrue();
		assertThat(properties.get("pgsql.relation.routing.busy-standbys").get("defaultValue").asString())
			.isEqualTo("wait");
		assertThat(properties.get("pgsql.relation.routing.busy-standbys").get("description").asString())
			.startsWith("What a read-only transaction does when every standby's pool has all its connections in use");
		assertThat(properties).containsKeys("pgsql.relation.database", "pgsql.relation.recheck-interval",
				"pgsql.relation.routing.retire-timeout", "pgsql.relation.pool.maximum-pool-size",
				"pgsql.relation.pool.minimum-idle", "pgsql.relation.pool.connection-timeout");
		assertThat(properties.get("pgsql.relation.migrations.defer").get("defaultValue").asBoolean()).isTrue();
		assertThat(properties.get("pgsql.relation.routing.max-standby-lag").get("description").asString())
			.startsWith("Replay lag beyond which a standby gets no new read-only transactions");
		assertThat(properties.get("pgsql.relation.routing.max-standby-lag").has("defaultValue")).isFalse();
		assertThat(properties.get("pgsql.relation.routing.standby-lag-probe-interval").get("defaultValue").asString())
			.isEqualTo("1s");
	}

	@Test
	void doesNotOfferThePoolSettingsTheRelationProvides() throws IOException {
		Map<String, JsonNode> properties = properties();
		// The validator refuses them at start-up: the IDE must not suggest them.
		assertThat(properties).doesNotContainKeys("pgsql.relation.pool.jdbc-url", "pgsql.relation.pool.username",
				"pgsql.relation.pool.password", "pgsql.relation.pool.data-source-class-name",
				"pgsql.relation.pool.pool-name", "pgsql.relation.pool.data-source-j-n-d-i",
				"pgsql.relation.pool.initialization-fail-timeout");
		assertThat(properties).containsKey("pgsql.relation.pool.maximum-pool-size");
	}

	private Map<String, JsonNode> properties() throws IOException {
		Map<String, JsonNode> properties = new HashMap<>();
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated configuration metadata").isNotNull();
			JsonMapper.builder()
				.build()
				.readTree(metadata)
				.get("properties")
				.forEach((property) -> properties.put(property.get("name").asString(), property));
		}
		return properties;
	}

}

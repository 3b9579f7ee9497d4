package io.github.pgsqlrelation.demo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The interface the demo's charm starts with: {@code ./run-demo --interface=...}.
 */
class RelationInterfaceTests {

	@Test
	void pgsqlOnEndpointDbUnlessTheCommandLineNamesAnother() {
		assertThat(DemoApplication.relationInterface(new String[] { "--server.port=9090" }))
			.isEqualTo(RelationInterface.PGSQL);
		assertThat(RelationInterface.PGSQL.endpoint()).isEqualTo("db");
	}

	@Test
	void postgresqlClientOnEndpointDatabaseWhenNamed() {
		assertThat(DemoApplication.relationInterface(new String[] { "--interface=postgresql_client" }))
			.isEqualTo(RelationInterface.POSTGRESQL_CLIENT);
		assertThat(DemoApplication.relationInterface(new String[] { "--demo.interface=postgresql_client" }))
			.isEqualTo(RelationInterface.POSTGRESQL_CLIENT);
		assertThat(RelationInterface.POSTGRESQL_CLIENT.endpoint()).isEqualTo("database");
	}

	@Test
	void anUnknownInterfaceIsNamedWithTheOnesThereAre() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DemoApplication.relationInterface(new String[] { "--interface=mysql_client" }))
			.withMessage("Unknown interface 'mysql_client': use pgsql or postgresql_client");
	}

}

package io.github.pgsqlrelation.relation.statefile;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelationChangeDescriptionTests {

	private static final RelationRef RELATION = new RelationRef("database", 7, "postgresql");

	@Test
	void aNewMasterIsNamedWithTheOldOne() {
		String line = RelationChangeDescription.describe(state("host=10.0.0.5 dbname=app password=Old1"),
				state("host=10.0.0.6 dbname=app password=Old1"));
		assertThat(line).startsWith("Relation on endpoint 'database': ready")
			.contains("master 10.0.0.6/app (was 10.0.0.5/app)");
	}

	@Test
	void aRotatedPasswordSaysSoWithoutShowingIt() {
		String line = RelationChangeDescription.describe(state("host=10.0.0.5 dbname=app password=Old1"),
				state("host=10.0.0.5 dbname=app password=New2"));
		assertThat(line).contains("master 10.0.0.5/app (credentials or connection settings changed)")
			.doesNotContain("Old1")
			.doesNotContain("New2");
	}

	private static EndpointRelations state(String master) {
		RelationSnapshot snapshot = new RelationSnapshot("database", RELATION, ConnectionString.parse(master),
				List.of(), "app", "16.6", Readiness.READY);
		return new EndpointRelations("database", List.of(snapshot), snapshot);
	}

}

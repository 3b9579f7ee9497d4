package io.github.pgsqlrelation.relation.pgsql;

import java.util.List;

import io.github.pgsqlrelation.connection.ConnectionString;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StandbyListTests {

	@Test
	void splitsOneConnectionStringPerLineAsTheProtocolSays() {
		assertThat(StandbyList.split("host=standby1\nhost=standby2\r\nhost=standby3\n"))
			.containsExactly("host=standby1", "host=standby2", "host=standby3");
	}

	@Test
	void splitsCommaJoinedConnectionStringsAsCanonicalsCharmPublishesThem() {
		String standbys = "dbname=myapp host=10.252.20.54 password=Xq3vTn8sLw port=5432 user=relation-10,"
				+ "dbname=myapp host=10.252.20.92 password=Xq3vTn8sLw port=5432 user=relation-10";
		assertThat(StandbyList.split(standbys)).containsExactly(
				"dbname=myapp host=10.252.20.54 password=Xq3vTn8sLw port=5432 user=relation-10",
				"dbname=myapp host=10.252.20.92 password=Xq3vTn8sLw port=5432 user=relation-10");
	}

	@Test
	void keepsACommaInsideAQuotedValue() {
		assertThat(StandbyList.split("host=a password='x,dbname=y' port=1,host=b password='it\\'s,host=c'"))
			.containsExactly("host=a password='x,dbname=y' port=1", "host=b password='it\\'s,host=c'");
	}

	@Test
	void keepsAHostListInKeywordValueForm() {
		assertThat(StandbyList.split("host=h1,h2 port=5432,5433 dbname=db,host=h3"))
			.containsExactly("host=h1,h2 port=5432,5433 dbname=db", "host=h3");
	}

	@Test
	void keepsAHostListInAUri() {
		assertThat(StandbyList.split("postgresql://u@h1,h2:5433/db?sslmode=require,postgres://u@h3/db"))
			.containsExactly("postgresql://u@h1,h2:5433/db?sslmode=require", "postgres://u@h3/db");
	}

	@Test
	void splitsAUriFromAKeywordValueString() {
		assertThat(StandbyList.split("host=a port=1,postgresql://h2/db\nhost=c")).containsExactly("host=a port=1",
				"postgresql://h2/db", "host=c");
	}

	@Test
	void keepsAnEscapedCommaInAnUnquotedValue() {
		assertThat(StandbyList.split("password=a\\,host=b host=c")).containsExactly("password=a\\,host=b host=c");
	}

	@Test
	void keepsANewlineInsideQuotes() {
		assertThat(StandbyList.split("host=a application_name='x\ny'\nhost=b"))
			.containsExactly("host=a application_name='x\ny'", "host=b");
	}

	@Test
	void ignoresEmptyLinesAndBlanks() {
		assertThat(StandbyList.split("")).isEmpty();
		assertThat(StandbyList.split("\n  \n")).isEmpty();
		assertThat(StandbyList.split("\nhost=a\n\n,host=b\n")).containsExactly("host=a", "host=b");
	}

	@Test
	void everySplitPieceIsAValidConnectionString() {
		String standbys = "dbname=foo user=juju_myapp password='it\\'s complicated' host=prod2 port=5432\n"
				+ "dbname=foo user=juju_myapp password='it\\'s, complicated' host=prod3 port=5432";
		assertThat(StandbyList.split(standbys)).map(ConnectionString::parse)
			.map((standby) -> standby.get("password"))
			.containsExactly("it's complicated", "it's, complicated");
	}

	@Test
	void canonicalOrderIgnoresTheOrderOfStandbysAndOfKeywords() {
		ConnectionString a = ConnectionString.parse("host=a port=5432");
		ConnectionString b = ConnectionString.parse("host=b port=5432");
		ConnectionString bReordered = ConnectionString.parse("port=5432 host=b");
		assertThat(StandbyList.canonical(List.of(b, a))).containsExactly(a, b);
		assertThat(StandbyList.canonical(List.of(bReordered, a, b))).containsExactly(a, b);
	}

	@Test
	void canonicalOrderRemovesDuplicates() {
		ConnectionString a = ConnectionString.parse("host=a");
		assertThat(StandbyList.canonical(List.of(a, ConnectionString.parse("host=a")))).containsExactly(a);
	}

}

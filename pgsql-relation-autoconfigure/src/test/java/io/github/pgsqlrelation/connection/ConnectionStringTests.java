package io.github.pgsqlrelation.connection;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.pgsqlrelation.connection.ConnectionString.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

class ConnectionStringTests {

	@ParameterizedTest
	@ValueSource(strings = { "dbname=myapp host=10.252.20.109 password=Xq3vTn8sLw port=5432 user=relation-10",
			"dbname=foo user=juju_myapp password='it\\'s complicated' host=prod1 port=5432 connect_timeout=3",
			"password='' user='a b' options='-c search_path=\\'x y\\'' dbname='back\\\\slash' host=h",
			"user='\t' application_name='tab\there' dbname='new\nline' password='\\\\\\''",
			"host=h1,h2,h3 port=1,,3 hostaddr=127.0.0.1,127.0.0.2,127.0.0.3 sslmode=verify-full",
			"host=h1,h2 port=5433 dbname=d", "host=,h2 port=5,6", "port=5433 dbname=d", "host='' user=''",
			"host=::1 dbname=a/b?c&d=e#f user=%41 password=:@/", "dbname=été user=€ application_name='日本 語'" })
	void survivesBothFormsUnchanged(String text) {
		ConnectionString original = ConnectionString.parse(text);
		assertThat(ConnectionString.parse(original.toKeywordValueString())).isEqualTo(original);
		assertThat(ConnectionString.parse(original.toUri())).isEqualTo(original);
		assertThat(ConnectionString.parse(original.toUri()).toKeywordValueString()).isNotEmpty();
	}

	@Test
	void readsTheMasterOfTheCanonicalCharmSample() {
		ConnectionString master = ConnectionString
			.parse("dbname=myapp host=10.252.20.109 password=Xq3vTn8sLw port=5432 user=relation-10");
		assertThat(master.keywords()).containsExactly(entry("dbname", "myapp"), entry("host", "10.252.20.109"),
				entry("password", "Xq3vTn8sLw"), entry("port", "5432"), entry("user", "relation-10"));
		assertThat(master.database()).isEqualTo("myapp");
		assertThat(master.user()).isEqualTo("relation-10");
		assertThat(master.hosts()).containsExactly(new Host("10.252.20.109", 5432));
	}

	@Test
	void readsAQuotedPasswordWithAnEscapedQuoteFromTheProtocolV2Sample() {
		ConnectionString master = ConnectionString
			.parse("dbname=foo user=juju_myapp password='it\\'s complicated' host=prod1 port=5432 connect_timeout=3");
		assertThat(master.get("password")).isEqualTo("it's complicated");
		assertThat(master.get("connect_timeout")).isEqualTo("3");
		assertThat(master.toKeywordValueString()).isEqualTo(
				"dbname=foo user=juju_myapp password='it\\'s complicated' host=prod1 port=5432 connect_timeout=3");
	}

	@Test
	void quotesOnlyValuesThatNeedIt() {
		Map<String, String> keywords = new LinkedHashMap<>();
		keywords.put("user", "");
		keywords.put("password", "a b");
		keywords.put("options", "it's");
		keywords.put("dbname", "c:\\d");
		keywords.put("host", "h=1");
		assertThat(ConnectionString.of(keywords).toKeywordValueString())
			.isEqualTo("user='' password='a b' options='it\\'s' dbname='c:\\\\d' host=h=1");
	}

	@Test
	void writesUserPasswordHostsAndDatabaseInTheirUriPlaces() {
		assertThat(
				ConnectionString.parse("user=u password='p w' host=h1,::1 port=1,2 dbname=d/b sslmode=require").toUri())
			.isEqualTo("postgresql://u:p%20w@h1:1,[::1]:2/d%2Fb?sslmode=require");
	}

	@Test
	void writesWhatTheUriAuthorityCannotHoldAsQueryParameters() {
		assertThat(ConnectionString.parse("host=h1,h2 port=5433 user='' dbname=''").toUri())
			.isEqualTo("postgresql://?host=h1%2Ch2&port=5433&user=&dbname=");
	}

	@Test
	void isEqualByContentWhateverTheOrderOrForm() {
		ConnectionString keywordValue = ConnectionString.parse("host=h port=5432 dbname=d user=u");
		ConnectionString uri = ConnectionString.parse("postgresql://u@h:5432/d");
		assertThat(uri).isEqualTo(keywordValue).hasSameHashCodeAs(keywordValue);
		assertThat(uri).isNotEqualTo(ConnectionString.parse("host=h port=5433 dbname=d user=u"));
	}

	@Test
	void masksSecretsInToString() {
		ConnectionString connectionString = ConnectionString
			.parse("host=h user=u password='s3cr3t value' sslpassword=k3y dbname=d");
		assertThat(connectionString).hasToString("host=h user=u password=****** sslpassword=****** dbname=d");
		assertThat(connectionString.toJdbc().toString()).doesNotContain("s3cr3t", "k3y").contains("password=******");
	}

	@Test
	void replacesAddsAndRemovesKeywordsInACopy() {
		ConnectionString original = ConnectionString.parse("host=h port=5432 dbname=d");
		Map<String, String> replacements = new HashMap<>();
		replacements.put("port", "5433");
		replacements.put("user", "u");
		replacements.put("dbname", null);
		ConnectionString copy = original.with(replacements);
		assertThat(copy.keywords()).containsExactly(entry("host", "h"), entry("port", "5433"), entry("user", "u"));
		assertThat(original.keywords()).containsExactly(entry("host", "h"), entry("port", "5432"),
				entry("dbname", "d"));
	}

	@Test
	void rejectsUnknownKeywordsAndBadPortsWhenBuiltFromAMap() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.of(Map.of("database", "d")))
			.withMessage("Unknown keyword 'database'")
			.satisfies((ex) -> assertThat(ex.getPosition()).isEqualTo(-1));
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("host=h").with(Map.of("port", "x")))
			.withMessage("Invalid port: expected a number from 1 to 65535");
	}

	@Test
	void pairsHostsWithPortsAsLibpqDoes() {
		assertThat(ConnectionString.parse("host=a,b,c port=1,,3").hosts()).containsExactly(new Host("a", 1),
				new Host("b", 5432), new Host("c", 3));
		assertThat(ConnectionString.parse("host=a,b port=6432").hosts()).containsExactly(new Host("a", 6432),
				new Host("b", 6432));
		assertThat(ConnectionString.parse("hostaddr=127.0.0.1").hosts()).containsExactly(new Host("127.0.0.1", 5432));
		assertThat(ConnectionString.parse("dbname=d").hosts()).isEmpty();
		assertThat(ConnectionString.parse("postgresql://[2001:db8::1234]:7/d").hosts())
			.isEqualTo(List.of(new Host("2001:db8::1234", 7)));
	}

	@Test
	void rejectsAPortListThatDoesNotMatchTheHostList() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("host=a,b,c port=1,2").hosts())
			.withMessage("Could not match 2 ports to 3 hosts");
	}

	@Test
	void rejectsANulCharacterWhichLibpqWouldTakeForTheEnd() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("host=h password=a\0b"))
			.withMessage("Forbidden NUL character at position 17")
			.satisfies((ex) -> assertThat(ex.getPosition()).isEqualTo(17));
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("postgresql://h/d\0"))
			.withMessage("Forbidden NUL character at position 16");
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.of(Map.of("password", "a\0b")))
			.withMessage("Forbidden NUL character");
	}

	@Test
	void rejectsAnUnpairedSurrogateWhichHasNoUtf8Form() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("host=h dbname=a\uD800"))
			.withMessage("Unpaired surrogate character at position 15: a connection string must be valid Unicode");
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("postgresql://h/\uDC00d"))
			.withMessage("Unpaired surrogate character at position 15: a connection string must be valid Unicode");
		ConnectionString paired = ConnectionString.parse("host=h dbname=\uD83D\uDE00");
		assertThat(ConnectionString.parse(paired.toUri())).isEqualTo(paired);
	}

}

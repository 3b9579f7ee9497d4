package io.github.pgsqlrelation.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * The keyword=value form; expectations are what libpq's {@code PQconninfoParse} returns.
 */
class KeywordValueFormTests {

	@ParameterizedTest(name = "[{index}] {0}")
	@CsvSource(delimiter = '|', quoteCharacter = '"',
			textBlock = """
					host=localhost port=5432 dbname=mydb connect_timeout=10 | host=localhost;port=5432;dbname=mydb;connect_timeout=10
					"host=localhost port=5432 dbname=mydb password='it\\'s complicated'" | host=localhost;port=5432;dbname=mydb;password=it's complicated
					host = a port= 5 dbname =b                               | host=a;port=5;dbname=b
					"	host=a
					port=5"                                                  | host=a;port=5
					"dbname=''"                                              | dbname=
					dbname=                                                  | dbname=
					"user=a\\ b"                                              | user=a b
					"dbname=a\\\\b"                                           | dbname=a\\b
					"user='a\\\\b'"                                           | user=a\\b
					host=a=b                                                 | host=a=b
					"host=a'b'"                                              | host=a'b'
					host=a host=b                                            | host=b
					port=x port=5433                                         | port=5433
					host=h1,h2 port=123,456 target_session_attrs=read-write  | host=h1,h2;port=123,456;target_session_attrs=read-write
					"options='-c geqo=off'"                                  | options=-c geqo=off
					"user=\\"                                                 | user=
					""                                                       | ""
					"   "                                                    | ""
					""")
	void parsesLikeLibpq(String text, String expected) {
		assertThat(ConnectionString.parse(text).keywords()).containsExactlyEntriesOf(Expected.keywords(expected));
	}

	@Test
	void keepsTheOrderTheKeywordsWereGivenIn() {
		assertThat(ConnectionString.parse("user=u dbname=d host=h").keywords()).containsExactly(entry("user", "u"),
				entry("dbname", "d"), entry("host", "h"));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			"host='localhost"             | 5 | Unterminated quoted value starting at position 5
			"host='localhost\\'"           | 5 | Unterminated quoted value starting at position 5
			host                          | 0 | Missing '=' after the keyword starting at position 0
			host=a port                   | 7 | Missing '=' after the keyword starting at position 7
			"host='a'b"                   | 8 | Missing '=' after the keyword starting at position 8
			host=a hots=b                 | 7 | Unknown keyword 'hots' at position 7
			host=a =b                     | 7 | Empty keyword at position 7
			Host=a                        | 0 | Unknown keyword 'Host' at position 0
			host=a port=5x432             | 12 | Invalid port at position 12: expected a number from 1 to 65535
			host=a,b port=5432,0          | 19 | Invalid port at position 19: expected a number from 1 to 65535
			host=a port=65536             | 12 | Invalid port at position 12: expected a number from 1 to 65535
			""")
	void reportsSyntaxErrorsWithTheirZeroBasedPosition(String text, int position, String message) {
		assertThatExceptionOfType(ConnectionStringException.class).isThrownBy(() -> ConnectionString.parse(text))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.getPosition()).isEqualTo(position));
	}

	@Test
	void doesNotNameAnUnknownKeywordThatMayBeTheRestOfAnUnquotedPassword() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("host=h password=Kq7vTzw horse=battery"))
			.withMessage("Unknown keyword at position 24 (quote a secret that contains whitespace)")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("horse", "Kq7vTzw", "battery"));
	}

	@Test
	void hintsAtQuotingWhenAnUnquotedPasswordIsFollowedByAWordWithoutEquals() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse("password=Kq7vTzw horse host=h"))
			.withMessage(
					"Missing '=' after the keyword starting at position 17 (quote a secret that contains whitespace)");
	}

}

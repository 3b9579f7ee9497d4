package io.github.pgsqlrelation.connection;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** No message ever shows the secret {@code S3cr3t}, whatever goes wrong around it. */
class SecretMaskingTests {

	private static final String SECRET = "S3cr3t";

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "password='S3cr3t", "password='S3cr3t\\'", "host=h password=S3cr3t x",
			"password=S3cr3t S3cr3t=1", "password=S3cr3t S3cr3t", "password=S3cr3t,S3cr3t port=S3cr3t",
			"password='S3cr3t' 'S3cr3t'", "password=S3cr3t =S3cr3t", "host=h password=S3cr3t sslpassword='S3cr3t",
			"postgresql://u:S3cr3t%zz@h", "postgresql://u:S3cr3t%4", "postgresql://u:S3cr3t%00@h",
			"postgresql://u:S3cr3t@h:S3cr3t", "postgresql://u:S3cr3t@[::1", "postgresql://u:S3cr3t@[::1]S3cr3t",
			"postgresql://u:S3cr3t@h?password=S3cr3t=", "postgresql://u@h?password=S3cr3t&x",
			"postgresql://u@h?password=S3cr3t%", "postgresql://u:S3cr3t@h?ssl=S3cr3t",
			"postgresql://u:S3cr3t@h?sslmode=S3cr3t&bogus=1" })
	void keepsSecretsOutOfSyntaxErrors(String text) {
		ConnectionStringException ex = catchThrowableOfType(ConnectionStringException.class,
				() -> ConnectionString.parse(text));
		assertThat(ex).as("error for %s", text).isNotNull();
		assertThat(ex.getMessage()).doesNotContain(SECRET);
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "postgresq://u:S3cr3t@h/d?sslmode=require", "jdbc:postgresql://u:S3cr3t@h/d?ssl=true",
			"postgresql:/u:S3cr3t@h?sslmode=require", "host:S3cr3t@=h", "hostS3cr3t=h" })
	void keepsSecretsOutOfUnknownKeywordsThatDoNotLookLikeKeywords(String text) {
		assertThatExceptionOfType(ConnectionStringException.class).isThrownBy(() -> ConnectionString.parse(text))
			.withMessage("Unknown keyword at position 0");
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@ValueSource(strings = { "host=/tmp password=S3cr3t", "password=S3cr3t dbname=d",
			"host=h password=S3cr3t tcp_user_timeout=1", "host=h password=S3cr3t port=1,2 host=a,b,c",
			"host=h sslpassword=S3cr3t oauth_client_secret=S3cr3t", "host=h scram_client_key=S3cr3t",
			"host=h password=S3cr3t sslmode=bogus", "host=h password=S3cr3t service=s",
			"host=h password=S3cr3t hostaddr=h", "host=h sslpassword=S3cr3t sslrootcert=/ca.crt",
			"host=h password=S3cr3t require_auth=oauth" })
	void keepsSecretsOutOfMappingErrors(String text) {
		ConnectionStringException ex = catchThrowableOfType(ConnectionStringException.class,
				() -> ConnectionString.parse(text).toJdbc());
		assertThat(ex).as("error for %s", text).isNotNull();
		assertThat(ex.getMessage()).doesNotContain(SECRET);
	}

	@Test
	void masksEverySecretKeywordInToString() {
		ConnectionString connectionString = ConnectionString.of(Map.of("password", SECRET, "sslpassword", SECRET,
				"oauth_client_secret", SECRET, "scram_client_key", SECRET, "scram_server_key", SECRET, "host", "h"));
		assertThat(connectionString.toString()).doesNotContain(SECRET).contains("password=******");
		assertThat(connectionString.toKeywordValueString()).contains(SECRET);
		assertThat(connectionString.toUri()).contains(SECRET);
	}

	@Test
	void masksThePasswordInTheJdbcConnection() {
		JdbcConnection jdbc = ConnectionString.parse("postgresql://u:S3cr3t@h/d?sslpassword=S3cr3t").toJdbc();
		assertThat(jdbc.toString()).doesNotContain(SECRET).contains("password=******", "sslpassword=******");
		assertThat(jdbc.url()).doesNotContain(SECRET);
		assertThat(jdbc.properties()).containsEntry("password", SECRET);
	}

}

package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

class JdbcMappingTests {

	@TempDir
	Path libpqDirectory;

	/**
	 * Maps with an empty directory for libpq's default files, whatever this machine's.
	 */
	private JdbcConnection map(String text) {
		return JdbcMapping.map(ConnectionString.parse(text).keywords(), this.libpqDirectory);
	}

	@Test
	void putsOnlyHostsPortsAndDatabaseInTheUrl() {
		JdbcConnection jdbc = ConnectionString
			.parse("dbname=myapp host=10.252.20.109 password=Xq3vTn8sLw port=5432 user=relation-10")
			.toJdbc();
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://10.252.20.109:5432/myapp");
		assertThat(jdbc.properties()).containsOnly(entry(PGProperty.USER.getName(), "relation-10"),
				entry(PGProperty.PASSWORD.getName(), "Xq3vTn8sLw"), entry(PGProperty.TCP_KEEP_ALIVE.getName(), "true"));
	}

	@Test
	void mapsTheProtocolV2SampleWithItsQuotedPasswordAndTimeout() {
		JdbcConnection jdbc = ConnectionString
			.parse("dbname=foo user=juju_myapp password='it\\'s complicated' host=prod1 port=5432 connect_timeout=3")
			.toJdbc();
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://prod1:5432/foo");
		assertThat(jdbc.properties()).containsEntry("password", "it's complicated")
			.containsEntry("connectTimeout", "3");
		assertThat(jdbc.toString()).doesNotContain("complicated");
	}

	@Test
	void writesSeveralHostsWithTheirPortsAndIpv6InBrackets() {
		assertThat(ConnectionString.parse("postgresql://host1:123,[2001:db8::1234]:456,host3/somedb").toJdbc().url())
			.isEqualTo("jdbc:postgresql://host1:123,[2001:db8::1234]:456,host3:5432/somedb");
		assertThat(ConnectionString.parse("host=a,b port=6432 dbname=d").toJdbc().url())
			.isEqualTo("jdbc:postgresql://a:6432,b:6432/d");
		assertThat(ConnectionString.parse("host=a dbname=d").toJdbc().url()).isEqualTo("jdbc:postgresql://a:5432/d");
	}

	@Test
	void connectsToHostaddrWhereGiven() {
		assertThat(ConnectionString.parse("host=db1,db2 hostaddr=127.0.0.1, port=1,2 dbname=d").toJdbc().url())
			.isEqualTo("jdbc:postgresql://127.0.0.1:1,db2:2/d");
		assertThat(ConnectionString.parse("hostaddr=127.0.0.1 dbname=d").toJdbc().url())
			.isEqualTo("jdbc:postgresql://127.0.0.1:5432/d");
	}

	@Test
	void percentEncodesTheDatabaseAndDefaultsItToTheUserName() {
		assertThat(ConnectionString.parse("host=h dbname='my db+1/é'").toJdbc().url())
			.isEqualTo("jdbc:postgresql://h:5432/my%20db%2B1%2F%C3%A9");
		assertThat(ConnectionString.parse("host=h user=relation-10").toJdbc().url())
			.isEqualTo("jdbc:postgresql://h:5432/relation-10");
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
							user=u                                  | user             | u
							password=p                              | password         | p
							options='-c geqo=off'                   | options          | -c geqo=off
							application_name=myapp                  | ApplicationName  | myapp
							fallback_application_name=fb            | ApplicationName  | fb
							application_name=a fallback_application_name=fb | ApplicationName | a
							fallback_application_name=fb application_name=a | ApplicationName | a
							connect_timeout=10                      | connectTimeout   | 10
							connect_timeout=1                       | connectTimeout   | 2
							connect_timeout=0                       | connectTimeout   | 0
							connect_timeout=-5                      | connectTimeout   | 0
							keepalives=1                            | tcpKeepAlive     | true
							keepalives=0                            | tcpKeepAlive     | false
							sslmode=disable                         | sslmode          | disable
							sslmode=allow                           | sslmode          | allow
							sslmode=prefer                          | sslmode          | prefer
							sslmode=require                         | sslmode          | require
							sslmode=require sslrootcert=/ca.crt     | sslmode          | verify-ca
							sslrootcert=/ca.crt sslmode=require     | sslmode          | verify-ca
							sslmode=verify-ca                       | sslmode          | verify-ca
							sslmode=verify-full                     | sslmode          | verify-full
							sslrootcert=/ca.crt sslmode=verify-ca   | sslrootcert      | /ca.crt
							sslmode=disable sslrootcert=/ca.crt     | sslmode          | disable
							sslcert=/client.crt                     | sslcert          | /client.crt
							sslkey=/client.pk8                      | sslkey           | /client.pk8
							sslpassword=k                           | sslpassword      | k
							sslnegotiation=direct                   | sslNegotiation   | direct
							channel_binding=require                 | channelBinding   | require
							gssencmode=disable                      | gssEncMode       | disable
							gsslib=gssapi                           | gsslib           | gssapi
							krbsrvname=postgres                     | kerberosServerName | postgres
							require_auth=scram-sha-256              | requireAuth      | scram-sha-256
							require_auth=!password,!oauth           | requireAuth      | !password
							require_auth=scram-sha-256,oauth        | requireAuth      | scram-sha-256
							keepalives_idle=30                      | pgsqlrelation.keepalivesIdle | 30
					sslsni=0                                | sslfactory       | io.github.pgsqlrelation.connection.LibpqSslFactory
					sslsni=0                                | pgsqlrelation.sslsni | 0
							keepalives_interval=5                   | pgsqlrelation.keepalivesInterval | 5
							keepalives_count=3                      | pgsqlrelation.keepalivesCount | 3
							keepalives_count=3                      | socketFactory    | io.github.pgsqlrelation.connection.LibpqSocketFactory
							replication=database                    | replication      | database
							replication=on                          | replication      | true
							target_session_attrs=any                | targetServerType | any
							target_session_attrs=read-write         | targetServerType | primary
							target_session_attrs=primary            | targetServerType | primary
							target_session_attrs=read-only          | targetServerType | secondary
							load_balance_hosts=random               | loadBalanceHosts | true
							load_balance_hosts=disable              | loadBalanceHosts | false
							""")
	void mapsEachKeywordToItsDriverProperty(String keywords, String property, String value) {
		JdbcConnection jdbc = map("host=h dbname=d " + keywords);
		assertThat(jdbc.properties()).containsEntry(property, value);
		if (!property.startsWith("pgsqlrelation.")) {
			assertThat(PGProperty.forName(property)).as("pgjdbc knows %s", property).isNotNull();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sslcompression=0", "sslsni=1", "ssl_min_protocol_version=TLSv1.2", "sslcertmode=allow",
			"gssdelegation=0", "min_protocol_version=3.0", "client_encoding=UTF8", "client_encoding=utf-8",
			"replication=off", "requirepeer=postgres", "keepalives_idle=0", "keepalives_count=-1", "tcp_user_timeout=0",
			"require_auth=!oauth" })
	void ignoresKeywordsSetToWhatTheDriverDoesAnyway(String keyword) {
		assertThat(map("host=h dbname=d " + keyword).properties()).containsOnly(entry("tcpKeepAlive", "true"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					tcp_user_timeout=1000           | tcp_user_timeout=1000 cannot be honoured: neither the PostgreSQL JDBC driver nor the JVM can set TCP_USER_TIMEOUT on a connection, so the operating system's default would apply; remove it or set that default
					keepalives_idle=soon            | Invalid keepalives_idle value 'soon': expected an integer
					require_auth=oauth              | require_auth=oauth cannot be honoured: the PostgreSQL JDBC driver cannot authenticate with OAuth
					require_auth=!password,!md5,!gss,!sspi,!scram-sha-256,!none,!oauth | require_auth=!password,!md5,!gss,!sspi,!scram-sha-256,!none,!oauth cannot be honoured: it refuses every method, which the PostgreSQL JDBC driver would read as no restriction at all
					require_auth=!password,md5      | Invalid require_auth value '!password,md5': methods to refuse (!) cannot be mixed with methods to allow
					require_auth=kerberos           | Invalid require_auth value 'kerberos': unknown method 'kerberos', expected password, md5, gss, sspi, scram-sha-256, none or oauth
					sslcrl=/crl.pem                 | sslcrl=/crl.pem cannot be honoured: the PostgreSQL JDBC driver checks no certificate revocation list of its own (revocation checking is JVM-wide: com.sun.net.ssl.checkRevocation)
					sslcrldir=/crls                 | sslcrldir=/crls cannot be honoured: the PostgreSQL JDBC driver checks no certificate revocation list of its own (revocation checking is JVM-wide: com.sun.net.ssl.checkRevocation)
					passfile=/pgpass                | passfile=/pgpass cannot be honoured: the PostgreSQL JDBC driver reads a password file only from ~/.pgpass, PGPASSFILE or the system property org.postgresql.pgpassfile; give the password, or put the file there
					service=mydb                    | service=mydb cannot be honoured: the PostgreSQL JDBC driver reads a service only from its URL, looks for service files elsewhere than libpq and lets other settings override the service's differently; write the service's keywords into the connection string
					sslcompression=1                | sslcompression=1 cannot be honoured: the PostgreSQL JDBC driver never compresses TLS traffic
					sslkeylogfile=/keys             | sslkeylogfile=/keys cannot be honoured: the PostgreSQL JDBC driver has no equivalent setting
					sslcertmode=require             | sslcertmode=require cannot be honoured: the PostgreSQL JDBC driver has no equivalent setting other than libpq's default allow
					ssl_max_protocol_version=TLSv1.2 | ssl_max_protocol_version=TLSv1.2 cannot be honoured: the PostgreSQL JDBC driver has no equivalent setting
					gssdelegation=1                 | gssdelegation=1 cannot be honoured: the PostgreSQL JDBC driver has no equivalent setting other than libpq's default 0
					oauth_client_secret=Zq9x        | oauth_client_secret=****** cannot be honoured: the PostgreSQL JDBC driver has no equivalent setting
					target_session_attrs=standby    | target_session_attrs=standby cannot be honoured: libpq takes any server in hot standby (standby), while the PostgreSQL JDBC driver also takes a primary whose transactions are read-only by default (default_transaction_read_only=on) for a standby; give read-only, which the driver honours, if that is meant
					target_session_attrs=prefer-standby | target_session_attrs=prefer-standby cannot be honoured: libpq takes any server in hot standby (prefer-standby), while the PostgreSQL JDBC driver also takes a primary whose transactions are read-only by default (default_transaction_read_only=on) for a standby; give read-only, which the driver honours, if that is meant
					sslrootcert=system              | sslrootcert=system (the system's trusted CAs) cannot be honoured by the PostgreSQL JDBC driver; give the path of a root certificate file
					client_encoding=LATIN1          | client_encoding=LATIN1 cannot be honoured: the PostgreSQL JDBC driver always uses UTF8
					sslmode=bogus                   | Invalid sslmode value 'bogus': expected one of disable, allow, prefer, require, verify-ca, verify-full
					target_session_attrs=primary-ish | Invalid target_session_attrs value 'primary-ish': expected one of any, read-write, primary, read-only, standby, prefer-standby
					connect_timeout=soon            | Invalid connect_timeout value 'soon': expected an integer
					keepalives=yes                  | Invalid keepalives value 'yes': expected an integer
					replication=maybe               | Invalid replication value 'maybe': expected database or a boolean
					hostaddr=db.example             | hostaddr entry 'db.example' is not a numeric IPv4 or IPv6 address, which libpq requires (it never looks hostaddr up); give the address, or the name in host
					hostaddr=127.1                  | hostaddr entry '127.1' is not a numeric IPv4 or IPv6 address, which libpq requires (it never looks hostaddr up); give the address, or the name in host
					sslmode=prefer sslrootcert=/ca.crt | sslmode=prefer with sslrootcert=/ca.crt cannot be honoured: libpq verifies the server certificate against it and, where it does not verify, connects without TLS, while the PostgreSQL JDBC driver does not verify in this mode; give sslmode=verify-ca or verify-full to require a verified certificate
					sslmode=allow sslrootcert=/ca.crt | sslmode=allow with sslrootcert=/ca.crt cannot be honoured: libpq verifies the server certificate against it and, where it does not verify, connects without TLS, while the PostgreSQL JDBC driver does not verify in this mode; give sslmode=verify-ca or verify-full to require a verified certificate
					sslrootcert=/ca.crt             | sslmode=prefer (libpq's default) with sslrootcert=/ca.crt cannot be honoured: libpq verifies the server certificate against it and, where it does not verify, connects without TLS, while the PostgreSQL JDBC driver does not verify in this mode; give sslmode=verify-ca or verify-full to require a verified certificate
					""")
	void rejectsWhatTheDriverCannotHonour(String keyword, String message) {
		assertThatExceptionOfType(ConnectionStringException.class).isThrownBy(() -> map("host=h dbname=d " + keyword))
			.withMessage(message);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					host=/var/run/postgresql dbname=d                  | Host '/var/run/postgresql' is a Unix-domain socket, which the PostgreSQL JDBC driver cannot use; give a host name or address
					postgresql://%2Fvar%2Flib%2Fpostgresql/dbname      | Host '/var/lib/postgresql' is a Unix-domain socket, which the PostgreSQL JDBC driver cannot use; give a host name or address
					host=@abstract dbname=d                            | Host '@abstract' is a Unix-domain socket, which the PostgreSQL JDBC driver cannot use; give a host name or address
					host=h1,/tmp dbname=d                              | Host '/tmp' is a Unix-domain socket, which the PostgreSQL JDBC driver cannot use; give a host name or address
					dbname=d                                           | No host given: libpq would use a Unix-domain socket, which the PostgreSQL JDBC driver cannot use; give host=...
					host=,h2 dbname=d                                  | Empty host in the host list: libpq would use a Unix-domain socket, which the PostgreSQL JDBC driver cannot use
					host=a/b dbname=d                                  | Host 'a/b' holds '/' or '?', which cannot be given to the PostgreSQL JDBC driver in a host name; give a host name or address
					host=h hostaddr=a?sslmode=disable dbname=d         | hostaddr entry 'a?sslmode=disable' is not a numeric IPv4 or IPv6 address, which libpq requires (it never looks hostaddr up); give the address, or the name in host
					host=a,b hostaddr=127.0.0.1 dbname=d               | Could not match 1 host addresses (hostaddr) to 2 hosts (host)
					host=a,b,c port=1,2 dbname=d                       | Could not match 2 ports to 3 hosts
					""")
	void rejectsHostsTheDriverCannotReach(String text, String message) {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> ConnectionString.parse(text).toJdbc())
			.withMessage(message);
	}

	@ParameterizedTest
	@ValueSource(strings = { "dbname=myapp host=10.252.20.109 password=Xq3vTn8sLw port=5432 user=relation-10",
			"postgresql://u:p@host1:123,[2001:db8::1234]:456/some%20db?target_session_attrs=read-only&application_name=app",
			"host=h dbname='my db+1/é' user=u sslmode=require sslrootcert=/ca.crt sslcert=/c.crt sslkey=/c.pk8 "
					+ "connect_timeout=3 keepalives=0 options='-c x=y' load_balance_hosts=random channel_binding=prefer" })
	void producesWhatTheDriverAccepts(String text) {
		JdbcConnection jdbc = map(text);
		Properties parsed = Driver.parseURL(jdbc.url(), jdbc.toProperties());
		assertThat(parsed).as("pgjdbc accepts %s", jdbc).isNotNull();
		ConnectionString original = ConnectionString.parse(text);
		assertThat(parsed.getProperty(PGProperty.PG_DBNAME.getName())).isEqualTo(original.database());
		assertThat(parsed.getProperty(PGProperty.PG_HOST.getName())).isEqualTo(String.join(",",
				original.hosts()
					.stream()
					.map((host) -> host.name().contains(":") ? "[" + host.name() + "]" : host.name())
					.toList()));
		assertThat(parsed.getProperty(PGProperty.PG_PORT.getName()))
			.isEqualTo(String.join(",", original.hosts().stream().map((host) -> String.valueOf(host.port())).toList()));
		jdbc.properties().forEach((name, value) -> assertThat(parsed.getProperty(name)).isEqualTo(value));
		assertThat(jdbc.url()).doesNotContain("user", "password", "Xq3vTn8sLw", ":p@");
	}

	@Test
	void verifiesTheCertificateAgainstHostWhereItConnectsToHostaddr() {
		JdbcConnection jdbc = map("host=db.example hostaddr=127.0.0.1 port=5432 dbname=app user=app "
				+ "sslmode=verify-full sslrootcert=/path/ca.pem");
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/app");
		assertThat(jdbc.properties()).containsEntry("sslmode", "verify-full")
			.containsEntry("sslhostnameverifier", LibpqHostnameVerifier.class.getName())
			.containsEntry("sslfactory", LibpqSslFactory.class.getName())
			.containsEntry(LibpqHostnameVerifier.HOST_NAMES, "127.0.0.1 5432 db.example\n");
	}

	@Test
	void namesEachHostWithItsOwnAddressAndPort() {
		JdbcConnection jdbc = map("host=a.example,b.example,c.example,2001:db8::1 hostaddr=10.0.0.1,,2001:db8::2, "
				+ "port=1,2,3,4 dbname=d");
		assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://10.0.0.1:1,b.example:2,[2001:db8::2]:3,[2001:db8::1]:4/d");
		assertThat(jdbc.properties()).containsEntry(LibpqHostnameVerifier.HOST_NAMES,
				"10.0.0.1 1 a.example\n[2001:db8::2] 3 c.example\n");
	}

	@Test
	void verifiesAsTheDriverDoesWhereNoHostaddrDiffersFromItsHost() {
		assertThat(map("host=h dbname=d sslmode=verify-full").properties()).doesNotContainKeys("sslhostnameverifier",
				"sslfactory", LibpqHostnameVerifier.HOST_NAMES);
		assertThat(map("hostaddr=127.0.0.1 dbname=d sslmode=verify-full").properties())
			.doesNotContainKeys("sslhostnameverifier", "sslfactory", LibpqHostnameVerifier.HOST_NAMES);
	}

	@Test
	void rejectsTwoHostNamesForTheSameAddressAndPort() {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> map("host=a.example,b.example hostaddr=10.0.0.1,10.0.0.1 dbname=d"))
			.withMessage("Hosts 'a.example' and 'b.example' have the same hostaddr 10.0.0.1 and port 5432: the "
					+ "PostgreSQL JDBC driver could not tell which name to verify the server certificate against; "
					+ "give each its own address or port");
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "2001:db8::1234", "::ffff:10.0.0.1",
			"fe80::1:2:3:4" })
	void takesNumericAddressesAsHostaddr(String address) {
		assertThat(map("hostaddr=" + address + " dbname=d").url()).contains(address);
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "256.0.0.1", "1.2.3", "01.2.3.4", "2001:db8::g", "1::2::3", "::1]" })
	void rejectsHostaddrThatIsNoNumericAddress(String address) {
		assertThatExceptionOfType(ConnectionStringException.class)
			.isThrownBy(() -> map("hostaddr=" + address + " dbname=d"))
			.withMessageStartingWith("hostaddr entry '" + address + "' is not a numeric IPv4 or IPv6 address");
	}

	@Test
	void verifiesWithLibpqsDefaultRootCertificateWhereItExists() throws IOException {
		Path rootCertificate = Files.writeString(this.libpqDirectory.resolve("root.crt"), "");
		assertThat(map("host=h dbname=d sslmode=require").properties()).containsEntry("sslmode", "verify-ca")
			.containsEntry("sslrootcert", rootCertificate.toString());
		assertThat(map("host=h dbname=d sslmode=verify-full").properties()).containsEntry("sslrootcert",
				rootCertificate.toString());
		assertThat(map("host=h dbname=d sslmode=disable").properties()).doesNotContainKey("sslrootcert");
		assertThatExceptionOfType(ConnectionStringException.class).isThrownBy(() -> map("host=h dbname=d"))
			.withMessage("sslmode=prefer (libpq's default) with the root certificate " + rootCertificate
					+ " (libpq's default sslrootcert, which exists) cannot be honoured: libpq verifies the server "
					+ "certificate against it and, where it does not verify, connects without TLS, while the "
					+ "PostgreSQL JDBC driver does not verify in this mode; give sslmode=verify-ca or verify-full "
					+ "to require a verified certificate");
	}

	@Test
	void namesLibpqsDefaultClientKeyWhereItExists() throws IOException {
		assertThat(map("host=h dbname=d").properties()).doesNotContainKey("sslkey");
		Path key = Files.writeString(this.libpqDirectory.resolve("postgresql.key"), "");
		assertThat(map("host=h dbname=d").properties()).containsEntry("sslkey", key.toString());
		assertThat(map("host=h dbname=d sslkey=/k.pem").properties()).containsEntry("sslkey", "/k.pem");
		assertThat(map("host=h dbname=d sslmode=disable").properties()).doesNotContainKey("sslkey");
	}

	@Test
	void leavesTheSslModeToTheDriverWhereLibpqsDefaultIsMeant() {
		assertThat(map("host=h dbname=d").properties()).doesNotContainKeys("sslmode", "sslrootcert");
	}

	@Test
	void setsKeepaliveTimingOnlyWhereKeepalivesAreOn() {
		assertThat(map("host=h dbname=d keepalives=0 keepalives_idle=30 keepalives_count=3").properties())
			.containsOnly(entry("tcpKeepAlive", "false"));
	}

	@Test
	void neverEmitsTheSslShortcut() {
		Map<String, String> properties = map("postgresql://h/d?ssl=true").properties();
		assertThat(properties).containsEntry("sslmode", "require").doesNotContainKey(PGProperty.SSL.getName());
	}

}

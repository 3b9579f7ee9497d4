package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the Server Name Indication pgjdbc sends with mapped connection strings, against
 * a TLS server run here that records it ({@code sslnegotiation=direct}: TLS from the
 * first byte, as a TLS proxy that routes by SNI would see it).
 */
class LibpqSslFactoryTests {

	private SSLServerSocket server;

	@BeforeEach
	void startServer() throws IOException {
		this.server = (SSLServerSocket) TestCertificates.authority("SNI test CA")
			.serverContext("db.example")
			.getServerSocketFactory()
			.createServerSocket(0, 1, InetAddress.getLoopbackAddress());
	}

	@AfterEach
	void stopServer() throws IOException {
		this.server.close();
	}

	@Test
	void sendsHostWhereItConnectsToHostaddr() throws Exception {
		assertThat(serverNameSentBy("host=db.example hostaddr=127.0.0.1")).contains("db.example");
	}

	@Test
	void sendsNoneWithSslsniZero() throws Exception {
		assertThat(serverNameSentBy("host=db.example hostaddr=127.0.0.1 sslsni=0")).isEmpty();
		assertThat(serverNameSentBy("host=127.0.0.1 sslsni=0")).isEmpty();
	}

	@Test
	void sendsNoneForAnAddress() throws Exception {
		assertThat(serverNameSentBy("host=127.0.0.1")).isEmpty();
	}

	private Optional<String> serverNameSentBy(String connectionString) throws Exception {
		CompletableFuture<Optional<String>> sent = CompletableFuture.supplyAsync(this::acceptOne);
		JdbcConnection jdbc = ConnectionString
			.parse(connectionString + " port=" + this.server.getLocalPort()
					+ " sslmode=require sslnegotiation=direct dbname=d user=u connect_timeout=5")
			.toJdbc();
		try {
			new Driver().connect(jdbc.url(), jdbc.toProperties()).close();
		}
		catch (java.sql.SQLException ex) {
			// The server hangs up after the handshake
		}
		return sent.get(10, TimeUnit.SECONDS);
	}

	private Optional<String> acceptOne() {
		try (SSLSocket socket = (SSLSocket) this.server.accept()) {
			CompletableFuture<String> name = new CompletableFuture<>();
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
				@Override
				public boolean matches(SNIServerName serverName) {
					name.complete(((SNIHostName) serverName).getAsciiName());
					return true;
				}
			}));
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			return Optional.ofNullable(name.getNow(null));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

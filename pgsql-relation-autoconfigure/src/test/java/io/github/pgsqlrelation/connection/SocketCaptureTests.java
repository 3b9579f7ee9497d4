package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Properties;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketCapture} and the {@link ServerInput} it learns, against a
 * loopback socket that stands for the server.
 */
class SocketCaptureTests {

	private static final byte[] READY_FOR_QUERY = TailKeepingInputStreamTests.readyForQuery('I');

	private ServerSocket listening;

	@BeforeEach
	void listen() throws IOException {
		this.listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
	}

	@AfterEach
	void stopListening() throws IOException {
		this.listening.close();
	}

	@Test
	void learnsTheInputOfTheSocketTheFactoryMakesForTheConnection() throws IOException {
		try (SocketCapture capture = SocketCapture.open(); SocketCapture other = SocketCapture.open()) {
			Properties properties = capture.applyTo(new Properties());
			assertThat(properties.getProperty(PGProperty.SOCKET_FACTORY.getName()))
				.isEqualTo(LibpqSocketFactory.class.getName());
			try (Socket client = connect(properties); Socket server = this.listening.accept()) {
				ServerInput input = capture.input();
				assertThat(input).isNotNull();
				assertThat(other.input()).isNull();
				assertThat(input.hasUnread()).isFalse();
				server.getOutputStream().write('N');
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(input::hasUnread);
				assertThat(client.getInputStream().read()).isEqualTo('N');
				assertThat(input.hasUnread()).as("read, not a ReadyForQuery: not TLS either way").isFalse();
			}
		}
	}

	@Test
	void seesBytesThatTheDriverReadPastTheReadyForQueryEndingItsExchange() throws IOException {
		try (SocketCapture capture = SocketCapture.open();
				Socket client = connect(capture.applyTo(new Properties()));
				Socket server = this.listening.accept()) {
			OutputStream toClient = server.getOutputStream();
			InputStream fromServer = client.getInputStream();
			toClient.write(READY_FOR_QUERY);
			assertThat(fromServer.readNBytes(READY_FOR_QUERY.length)).isEqualTo(READY_FOR_QUERY);
			ServerInput input = capture.input();
			assertThat(input).isNotNull();
			// The reply to the next statement and the server's FATAL, read as one
			toClient.write(TailKeepingInputStreamTests.concat(READY_FOR_QUERY, new byte[] { 'E', 0, 0, 0, 5, 0 }));
			assertThat(fromServer.readNBytes(READY_FOR_QUERY.length + 6)).hasSize(READY_FOR_QUERY.length + 6);
			assertThat(fromServer.available()).isZero();
			assertThat(input.hasUnread()).isTrue();
			toClient.write(READY_FOR_QUERY);
			assertThat(fromServer.readNBytes(READY_FOR_QUERY.length)).isEqualTo(READY_FOR_QUERY);
			assertThat(input.hasUnread()).isFalse();
		}
	}

	@Test
	void leavesTheDriverBufferUncheckedWhereTheLoginDidNotEndWithAReadableReadyForQuery() throws IOException {
		try (SocketCapture capture = SocketCapture.open();
				Socket client = connect(capture.applyTo(new Properties()));
				Socket server = this.listening.accept()) {
			// As TLS records would end
			server.getOutputStream().write(new byte[] { 0x17, 0x03, 0x03, 0, 1, 0x42 });
			assertThat(client.getInputStream().readNBytes(6)).hasSize(6);
			ServerInput input = capture.input();
			assertThat(input).isNotNull();
			assertThat(input.hasUnread()).isFalse();
		}
	}

	@Test
	void saysTheServerSentSomethingOnceTheSocketClosed() throws IOException {
		try (SocketCapture capture = SocketCapture.open();
				Socket client = connect(capture.applyTo(new Properties()));
				Socket server = this.listening.accept()) {
			ServerInput input = capture.input();
			assertThat(input).isNotNull();
			client.close();
			assertThat(input.hasUnread()).isTrue();
			assertThat(capture.input()).isNull();
		}
	}

	@Test
	void learnsNoSocketMadeOnceClosed() throws IOException {
		SocketCapture capture = SocketCapture.open();
		Properties properties = capture.applyTo(new Properties());
		capture.close();
		// As pgjdbc's factory opens the socket of a cancel request, later
		try (Socket client = connect(properties); Socket server = this.listening.accept()) {
			assertThat(capture.input()).isNull();
		}
	}

	@Test
	void leavesTheSocketFactoryTheConnectionNames() {
		Properties given = new Properties();
		given.setProperty(PGProperty.SOCKET_FACTORY.getName(), "org.example.UnixSocketFactory");
		try (SocketCapture capture = SocketCapture.open()) {
			Properties properties = capture.applyTo(given);
			assertThat(properties.getProperty(PGProperty.SOCKET_FACTORY.getName()))
				.isEqualTo("org.example.UnixSocketFactory");
			assertThat(given).doesNotContainKey(SocketCapture.KEY);
		}
	}

	private Socket connect(Properties properties) throws IOException {
		return new LibpqSocketFactory(properties).createSocket(this.listening.getInetAddress(),
				this.listening.getLocalPort());
	}

}

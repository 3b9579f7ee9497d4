package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.net.Socket;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.postgresql.PGProperty;

import static org.assertj.core.api.Assertions.assertThat;

class SocketCaptureTests {

	@Test
	void learnsTheSocketTheFactoryMakesForTheConnection() throws IOException {
		try (SocketCapture capture = SocketCapture.open(); SocketCapture other = SocketCapture.open()) {
			Properties properties = capture.applyTo(new Properties());
			assertThat(properties.getProperty(PGProperty.SOCKET_FACTORY.getName()))
				.isEqualTo(LibpqSocketFactory.class.getName());
			try (Socket socket = new LibpqSocketFactory(properties).createSocket()) {
				assertThat(capture.socket()).isSameAs(socket);
				assertThat(other.socket()).isNull();
			}
		}
	}

	@Test
	void learnsNoSocketMadeOnceClosed() throws IOException {
		SocketCapture capture = SocketCapture.open();
		Properties properties = capture.applyTo(new Properties());
		capture.close();
		// As pgjdbc's factory opens the socket of a cancel request, later
		try (Socket socket = new LibpqSocketFactory(properties).createSocket()) {
			assertThat(capture.socket()).isNull();
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

}

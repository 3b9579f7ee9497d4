package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.net.Socket;
import java.util.Properties;

import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class LibpqSocketFactoryTests {

	@Test
	void makesSocketsWithTheKeepaliveTimingOfTheConnectionString() throws IOException {
		JdbcConnection jdbc = ConnectionString
			.parse("host=h dbname=d keepalives_idle=31 keepalives_interval=7 keepalives_count=4")
			.toJdbc();
		try (Socket socket = new LibpqSocketFactory(jdbc.toProperties()).createSocket()) {
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(31);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(7);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(4);
		}
	}

	@Test
	void leavesTheSystemDefaultsWhereNothingIsGiven() throws IOException {
		try (Socket given = new LibpqSocketFactory(new Properties()).createSocket(); Socket plain = new Socket()) {
			assertThat(given.getOption(ExtendedSocketOptions.TCP_KEEPIDLE))
				.isEqualTo(plain.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
		}
	}

	@Test
	void failsWhereTheOperatingSystemRefusesTheValue() {
		Properties properties = new Properties();
		// Linux takes at most 32767 seconds
		properties.setProperty(LibpqSocketFactory.KEEPALIVES_IDLE, "40000");
		assertThatIOException().isThrownBy(() -> new LibpqSocketFactory(properties).createSocket())
			.withMessageStartingWith("Could not set TCP keepalive settings");
	}

}

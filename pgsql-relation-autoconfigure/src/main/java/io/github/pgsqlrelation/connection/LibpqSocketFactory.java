package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import javax.net.SocketFactory;

import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * Makes the sockets of pgjdbc connections with libpq's TCP keepalive settings
 * ({@code keepalives_idle}, {@code keepalives_interval}, {@code keepalives_count}), which
 * pgjdbc has no setting for; pgjdbc itself turns keepalives on ({@code tcpKeepAlive}). As
 * in libpq, a setting the operating system refuses fails the connection. Each socket is
 * also handed to the connection's {@link SocketCapture}, where its properties name one.
 * <p>
 * Public only because pgjdbc creates it by name (its {@code socketFactory} property) with
 * the connection's properties; the mapping of {@link ConnectionString#toJdbc()} and
 * {@link SocketCapture#applyTo} set it. Not meant for direct use.
 */
public final class LibpqSocketFactory extends SocketFactory {

	/**
	 * Driver property (not one of pgjdbc's): seconds of idleness before the first probe.
	 */
	public static final String KEEPALIVES_IDLE = "pgsqlrelation.keepalivesIdle";

	/** Driver property (not one of pgjdbc's): seconds between probes. */
	public static final String KEEPALIVES_INTERVAL = "pgsqlrelation.keepalivesInterval";

	/**
	 * Driver property (not one of pgjdbc's): probes lost before the connection is dead.
	 */
	public static final String KEEPALIVES_COUNT = "pgsqlrelation.keepalivesCount";

	private final Map<SocketOption<Integer>, Integer> options = new LinkedHashMap<>();

	private final @Nullable String capture;

	/**
	 * Creates a factory for one connection.
	 * @param properties the connection's driver properties, where the keepalive
	 * properties of this class may be given (positive integers), and the key of a
	 * {@link SocketCapture}
	 */
	public LibpqSocketFactory(Properties properties) {
		add(ExtendedSocketOptions.TCP_KEEPIDLE, properties.getProperty(KEEPALIVES_IDLE));
		add(ExtendedSocketOptions.TCP_KEEPINTERVAL, properties.getProperty(KEEPALIVES_INTERVAL));
		add(ExtendedSocketOptions.TCP_KEEPCOUNT, properties.getProperty(KEEPALIVES_COUNT));
		this.capture = properties.getProperty(SocketCapture.KEY);
	}

	private void add(SocketOption<Integer> option, @Nullable String value) {
		if (value != null) {
			this.options.put(option, Integer.valueOf(value));
		}
	}

	/**
	 * Whether this JVM can set TCP keepalive timing per socket (Linux, macOS and Windows
	 * 10 and later can).
	 */
	static boolean isSupported() {
		try (Socket socket = new Socket()) {
			return socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)
					&& socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)
					&& socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPCOUNT);
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Returns an unconnected socket with the keepalive settings, whose input keeps its
	 * last bytes ({@link ServerInput}).
	 */
	@Override
	public Socket createSocket() throws IOException {
		ObservedSocket socket = new ObservedSocket();
		try {
			for (Map.Entry<SocketOption<Integer>, Integer> option : this.options.entrySet()) {
				socket.setOption(option.getKey(), option.getValue());
			}
			SocketCapture.made(this.capture, socket);
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			socket.close();
			throw new IOException("Could not set TCP keepalive settings " + this.options + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return connected(new InetSocketAddress(host, port), null);
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return connected(new InetSocketAddress(host, port), null);
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
	}

	private Socket connected(InetSocketAddress remote, @Nullable InetSocketAddress local) throws IOException {
		Socket socket = createSocket();
		try {
			if (local != null) {
				socket.bind(local);
			}
			socket.connect(remote);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

}

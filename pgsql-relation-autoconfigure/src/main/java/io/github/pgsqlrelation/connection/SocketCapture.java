package io.github.pgsqlrelation.connection;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGProperty;

/**
 * Learns the TCP socket under one pgjdbc connection as it is opened, to tell later what
 * the server sent the connection ({@link ServerInput}). pgjdbc keeps its socket to
 * itself; its socket factory is the one hook, created by name for each connection with
 * the connection's properties, so the properties carry this capture's key and
 * {@link LibpqSocketFactory} hands it the socket it makes. Under TLS this is the plain
 * socket the TLS layer reads from.
 * <p>
 * Written by hand: neither pgjdbc nor HikariCP tells whether a server sent an idle
 * connection anything.
 */
public final class SocketCapture implements AutoCloseable {

	/**
	 * Driver property (not one of pgjdbc's): the key of the capture that learns the
	 * connection's socket.
	 */
	public static final String KEY = "pgsqlrelation.socketCapture";

	private static final Map<String, SocketCapture> OPEN = new ConcurrentHashMap<>();

	private static final AtomicLong KEYS = new AtomicLong();

	private final String key = Long.toString(KEYS.incrementAndGet());

	private volatile @Nullable ObservedSocket socket;

	private SocketCapture() {
	}

	/** Opens a capture for one attempt to connect; close it once the attempt ended. */
	public static SocketCapture open() {
		SocketCapture capture = new SocketCapture();
		OPEN.put(capture.key, capture);
		return capture;
	}

	/**
	 * Returns a copy of the given driver properties that makes the connection's socket
	 * known to this capture: {@link LibpqSocketFactory} is set as pgjdbc's
	 * {@code socketFactory} where the properties name none. Where they name another
	 * factory, the socket stays unknown.
	 * @param properties the connection's driver properties (not changed)
	 * @return the properties to connect with
	 */
	public Properties applyTo(Properties properties) {
		Properties result = new Properties();
		result.putAll(properties);
		result.putIfAbsent(PGProperty.SOCKET_FACTORY.getName(), LibpqSocketFactory.class.getName());
		result.setProperty(KEY, this.key);
		return result;
	}

	/**
	 * Returns what the server sends the connection and the driver has not acted on, to be
	 * asked whenever the connection is idle. Call it once the attempt connected, before
	 * the connection is used: whether the connection's bytes can be read under TLS is
	 * learned then. The socket is the last one made for the attempt (pgjdbc makes one per
	 * host it tries, and another when it retries without TLS).
	 * @return the input, or {@code null} when no socket was made, another factory made
	 * it, or it closed
	 */
	public @Nullable ServerInput input() {
		ObservedSocket socket = this.socket;
		return (socket != null) ? socket.idleInput() : null;
	}

	/**
	 * Stops capturing: a socket the factory makes later for the same connection (a query
	 * cancel request opens one) is not this connection's.
	 */
	@Override
	public void close() {
		OPEN.remove(this.key);
	}

	static void made(@Nullable String key, ObservedSocket socket) {
		SocketCapture capture = (key != null) ? OPEN.get(key) : null;
		if (capture != null) {
			capture.socket = socket;
		}
	}

}

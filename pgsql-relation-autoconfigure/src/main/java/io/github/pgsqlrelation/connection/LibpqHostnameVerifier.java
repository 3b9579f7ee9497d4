package io.github.pgsqlrelation.connection;

import java.util.Properties;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;

import org.postgresql.ssl.PGjdbcHostnameVerifier;

/**
 * Verifies a server certificate against libpq's {@code host} where the connection was
 * made to its {@code hostaddr}, as libpq does with {@code sslmode=verify-full}; pgjdbc
 * itself would verify against the address it connected to. Any other connection is
 * verified as pgjdbc does.
 * <p>
 * Public only because pgjdbc creates it by name (its {@code sslhostnameverifier}
 * property) with the connection's properties; the mapping of
 * {@link ConnectionString#toJdbc()} sets both. Not meant for direct use.
 */
public final class LibpqHostnameVerifier implements HostnameVerifier {

	/**
	 * The driver property (not one of pgjdbc's) that lists, one per line,
	 * {@code address port host}: the host name to verify a connection to that address and
	 * port against.
	 */
	public static final String HOST_NAMES = "pgsqlrelation.libpqHostNames";

	private final HostNames hostNames;

	/**
	 * Creates a verifier for one connection.
	 * @param properties the connection's driver properties, where {@link #HOST_NAMES} may
	 * be given
	 */
	public LibpqHostnameVerifier(Properties properties) {
		this.hostNames = HostNames.of(properties);
	}

	/**
	 * Verifies the session's certificate against the libpq host name of the address and
	 * port connected to, else against the address itself.
	 * @param address the host that pgjdbc connected to, as written in the URL
	 * @param session the TLS session
	 * @return whether the certificate names the host
	 */
	@Override
	public boolean verify(String address, SSLSession session) {
		String host = this.hostNames.nameOf(address, session.getPeerPort());
		return PGjdbcHostnameVerifier.INSTANCE.verify(host, session);
	}

}

package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.postgresql.ssl.LibPQFactory;
import org.postgresql.util.PSQLException;

/**
 * pgjdbc's own TLS socket factory ({@link LibPQFactory}: same keys, trust and modes) that
 * sends Server Name Indication as libpq does: the libpq {@code host} where the connection
 * was made to its {@code hostaddr}, for any host that is not an IP address, and nothing
 * with {@code sslsni=0}. pgjdbc alone would leave it to the JVM, which names the address
 * connected to, only when it is a name with a dot.
 * <p>
 * Public only because pgjdbc creates it by name (its {@code sslfactory} property) with
 * the connection's properties; the mapping of {@link ConnectionString#toJdbc()} sets
 * both. Not meant for direct use.
 */
public final class LibpqSslFactory extends LibPQFactory {

	/** Driver property (not one of pgjdbc's): libpq's {@code sslsni}, {@code 0} or 1. */
	public static final String SSL_SNI = "pgsqlrelation.sslsni";

	private final HostNames hostNames;

	private final boolean sni;

	/**
	 * Creates a factory for one connection.
	 * @param properties the connection's driver properties, where
	 * {@link LibpqHostnameVerifier#HOST_NAMES} and {@link #SSL_SNI} may be given
	 * @throws PSQLException as {@link LibPQFactory} does, when keys or certificates
	 * cannot be read
	 */
	public LibpqSslFactory(Properties properties) throws PSQLException {
		super(properties);
		this.hostNames = HostNames.of(properties);
		this.sni = !"0".equals(properties.getProperty(SSL_SNI));
	}

	@Override
	public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
		String name = this.hostNames.nameOf(host, port);
		SSLSocket tls = (SSLSocket) super.createSocket(socket, name, port, autoClose);
		SSLParameters parameters = tls.getSSLParameters();
		parameters.setServerNames(this.sni ? serverNames(name) : List.of());
		tls.setSSLParameters(parameters);
		return tls;
	}

	/** libpq sends SNI for a host that is neither made of digits and dots nor IPv6. */
	private static List<SNIServerName> serverNames(String host) {
		if (host.chars().allMatch((c) -> c == '.' || (c >= '0' && c <= '9')) || host.indexOf(':') >= 0
				|| host.startsWith("[")) {
			return List.of();
		}
		try {
			return List.of(new SNIHostName(host));
		}
		catch (IllegalArgumentException ex) {
			// Not a name TLS can carry (e.g. with an underscore): OpenSSL would send it,
			// the JVM cannot.
			return List.of();
		}
	}

}

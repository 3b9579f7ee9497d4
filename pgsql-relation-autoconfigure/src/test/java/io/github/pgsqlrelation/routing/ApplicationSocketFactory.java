package io.github.pgsqlrelation.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import javax.net.SocketFactory;

/**
 * A socket factory of the application's own, as pgjdbc's {@code socketFactory} names one
 * (pgjdbc makes it by name with its no-argument constructor).
 */
public final class ApplicationSocketFactory extends SocketFactory {

	@Override
	public Socket createSocket() {
		return new Socket();
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return new Socket(host, port);
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return new Socket(host, port, localHost, localPort);
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return new Socket(host, port);
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return new Socket(address, port, localAddress, localPort);
	}

}

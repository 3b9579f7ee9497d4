package io.github.pgsqlrelation.connection;

/**
 * Thrown when a connection string cannot be parsed or cannot be honoured by the JDBC
 * driver. The message says what and where; it never contains a password. A syntax error
 * gives the zero-based position of the offending character in the parsed text and echoes
 * no text but a keyword name; an error that cannot be honoured names the keyword and,
 * unless it is a secret, its value.
 */
public class ConnectionStringException extends IllegalArgumentException {

	private final int position;

	public ConnectionStringException(String message, int position) {
		super(message);
		this.position = position;
	}

	public ConnectionStringException(String message) {
		this(message, -1);
	}

	/**
	 * Returns the zero-based position of the error in the text, or -1 when not about
	 * syntax.
	 */
	public int getPosition() {
		return this.position;
	}

}

package io.github.pgsqlrelation.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up when a {@code pgsql.relation.*} property has a value that cannot
 * work.
 */
public class InvalidPgsqlRelationPropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String action;

	InvalidPgsqlRelationPropertyException(String property, @Nullable Object value, String reason, String action) {
		super("Invalid value '" + value + "' for property " + property + ": " + reason);
		this.property = property;
		this.value = value;
		this.action = action;
	}

	/** Returns the name of the property. */
	public String getProperty() {
		return this.property;
	}

	/** Returns the rejected value. */
	public @Nullable Object getValue() {
		return this.value;
	}

	/** Returns what the user should do about it. */
	public String getAction() {
		return this.action;
	}

}

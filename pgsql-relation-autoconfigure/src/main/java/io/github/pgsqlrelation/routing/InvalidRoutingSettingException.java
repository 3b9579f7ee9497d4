package io.github.pgsqlrelation.routing;

/**
 * Thrown when a {@link RoutingSettings} value cannot work. Says which setting, why, and
 * what to use instead, so that callers can name their own property.
 */
public class InvalidRoutingSettingException extends IllegalArgumentException {

	private final String setting;

	private final Object value;

	private final String reason;

	private final String action;

	InvalidRoutingSettingException(String setting, Object value, String reason, String action) {
		super(setting + " " + reason + ", was " + value + ". " + action);
		this.setting = setting;
		this.value = value;
		this.reason = reason;
		this.action = action;
	}

	/** Returns the setting's name, as the {@link RoutingSettings} component. */
	public String getSetting() {
		return this.setting;
	}

	/** Returns the rejected value. */
	public Object getValue() {
		return this.value;
	}

	/** Returns why the value cannot work, e.g. {@code is not positive}. */
	public String getReason() {
		return this.reason;
	}

	/** Returns what to use instead. */
	public String getAction() {
		return this.action;
	}

}

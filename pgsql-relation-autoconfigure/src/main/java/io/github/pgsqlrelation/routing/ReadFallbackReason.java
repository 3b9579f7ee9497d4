package io.github.pgsqlrelation.routing;

/**
 * Why a read-only transaction runs on the master instead of a standby.
 */
public enum ReadFallbackReason {

	/** The relation has no standby. */
	NO_STANDBY("no-standby"),

	/** Every standby is failing: its pool cannot connect to it. */
	STANDBYS_FAILING("standbys-failing"),

	/**
	 * Every standby that is not failing replays more than
	 * {@link RoutingSettings#maxStandbyLag()} behind the master.
	 */
	STANDBYS_LAGGING("standbys-lagging"),

	/**
	 * Every standby's pool is busy (all its connections in use) and
	 * {@link RoutingSettings.BusyStandbys#USE_MASTER} lets reads spill over.
	 */
	STANDBYS_BUSY("standbys-busy"),

	/**
	 * The transaction asks for {@code SERIALIZABLE} isolation, which a hot standby
	 * refuses ({@code ERROR: cannot use serializable mode in a hot standby}).
	 */
	SERIALIZABLE("serializable"),

	/**
	 * With {@link RoutingSettings#readYourWrites()}, no standby replayed the write that
	 * the read must see within {@link RoutingSettings#readYourWritesWait()}.
	 */
	READ_YOUR_WRITES("read-your-writes");

	private final String tag;

	ReadFallbackReason(String tag) {
		this.tag = tag;
	}

	/** Returns the reason as a metric tag value, e.g. {@code standbys-busy}. */
	public String tag() {
		return this.tag;
	}

}

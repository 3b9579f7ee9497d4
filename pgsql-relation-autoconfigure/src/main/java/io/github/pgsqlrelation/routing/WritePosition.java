package io.github.pgsqlrelation.routing;

import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WAL position that the reads of one scope (a thread, an HTTP request, an HTTP
 * session) must see: per relation endpoint, an upper bound of the commit LSN of the
 * latest write the scope committed. Safe for concurrent use (two requests of one
 * session); serializable, so that it can live in a replicated HTTP session.
 *
 * @see ReadYourWrites
 */
public final class WritePosition implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	/** A write committed whose position could not be learned: only the master has it. */
	static final long UNKNOWN = Long.MAX_VALUE;

	private final ConcurrentHashMap<String, Long> lsns = new ConcurrentHashMap<>();

	/**
	 * Returns the position a read on the endpoint must see, as a byte position in the WAL
	 * ({@code pg_lsn - '0/0'}); 0 when the scope wrote nothing there.
	 */
	long required(String endpoint) {
		Long lsn = this.lsns.get(endpoint);
		return (lsn != null) ? lsn : 0;
	}

	/** Records a committed write; a position never moves back this way. */
	void advance(String endpoint, long lsn) {
		this.lsns.merge(endpoint, lsn, Math::max);
	}

	/**
	 * Lowers the position to what the master has, when the master has less: the writes
	 * beyond it are not in this cluster's history (lost in a failover, or written to
	 * another cluster), so no server can show them and waiting for them is pointless.
	 * Only if no newer write was recorded meanwhile.
	 */
	void lowerTo(String endpoint, long expected, long masterLsn) {
		this.lsns.computeIfPresent(endpoint,
				(key, lsn) -> (lsn == expected && masterLsn < lsn) ? Long.valueOf(masterLsn) : lsn);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("WritePosition[");
		this.lsns.forEach((endpoint, lsn) -> text.append((text.length() > 14) ? ", " : "")
			.append(endpoint)
			.append('=')
			.append(WalPositions.format(lsn)));
		return text.append(']').toString();
	}

}

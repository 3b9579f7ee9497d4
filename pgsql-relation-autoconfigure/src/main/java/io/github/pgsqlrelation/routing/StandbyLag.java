package io.github.pgsqlrelation.routing;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What the last probe learned about a standby's replay lag, and whether reads skip it for
 * that. Immutable: the probe replaces it, reads only look at {@link #lagging()}.
 *
 * @param lag how far the standby's replay is behind the master, {@code null} when not
 * measured (yet, or the last probe could not tell)
 * @param lagging whether the standby is skipped by new read-only transactions because its
 * lag exceeds the limit
 */
record StandbyLag(@Nullable Duration lag, boolean lagging) {

	static final StandbyLag UNKNOWN = new StandbyLag(null, false);

	/**
	 * Decides a standby's lag from one probe.
	 * <p>
	 * A standby that has replayed the master's current WAL position (as read just before)
	 * has no lag, however old its last replayed transaction: on an idle master
	 * {@code now() - pg_last_xact_replay_timestamp()} grows without any lag, so the
	 * timestamp alone would skip caught-up standbys. Only when the replay position is
	 * behind does the age of the last replayed commit say how far behind it is (an upper
	 * bound: the WAL not yet replayed is at most that old). That bound is too high for a
	 * master that writes rarely, probed in the milliseconds between a commit and its
	 * replay: the last replayed commit is then the one before, perhaps minutes old. So
	 * when the standby has replayed the position the previous probe read on the master,
	 * the time since that read bounds the lag too, and the smaller bound counts. A
	 * standby no longer in recovery (promoted) has no lag. When the lag cannot be told
	 * (behind, and no transaction replayed since the standby started), the previous
	 * verdict stays.
	 * @param previous what the last probe decided
	 * @param inRecovery {@code pg_is_in_recovery()} on the standby
	 * @param replayedMasterPosition whether {@code pg_last_wal_replay_lsn()} on the
	 * standby is at or past the master's {@code pg_current_wal_lsn()} (or, when the
	 * master does not answer, the standby's own {@code pg_last_wal_receive_lsn()})
	 * @param sinceEarlierPosition time since the previous probe read the master's
	 * position, when the standby has replayed that position; {@code null} otherwise
	 * @param secondsSinceLastReplay {@code clock_timestamp() -
	 * pg_last_xact_replay_timestamp()} on the standby, in seconds; {@code null} when no
	 * transaction was replayed since it started
	 * @param maxLag the limit beyond which reads skip the standby
	 * @return the new verdict, never {@code null}
	 */
	static StandbyLag measured(StandbyLag previous, boolean inRecovery, boolean replayedMasterPosition,
			@Nullable Duration sinceEarlierPosition, @Nullable Double secondsSinceLastReplay, Duration maxLag) {
		if (!inRecovery || replayedMasterPosition) {
			return new StandbyLag(Duration.ZERO, false);
		}
		Duration lag = null;
		if (secondsSinceLastReplay != null) {
			// Clocks of the two servers may differ slightly: a negative age is no lag.
			lag = Duration.ofNanos((long) (Math.max(0, secondsSinceLastReplay) * 1_000_000_000L));
		}
		if (sinceEarlierPosition != null && (lag == null || sinceEarlierPosition.compareTo(lag) < 0)) {
			lag = sinceEarlierPosition;
		}
		if (lag == null) {
			return new StandbyLag(null, previous.lagging());
		}
		return new StandbyLag(lag, lag.compareTo(maxLag) > 0);
	}

}

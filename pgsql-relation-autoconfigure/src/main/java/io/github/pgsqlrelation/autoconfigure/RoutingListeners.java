package io.github.pgsqlrelation.autoconfigure;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.ReadFallbackReason;
import io.github.pgsqlrelation.routing.RoutingListener;
import org.jspecify.annotations.Nullable;

/**
 * Lets every {@link RoutingListener} bean (metrics, health, the application's own)
 * observe the routing {@code DataSource}.
 */
final class RoutingListeners implements RoutingListener {

	private final RoutingListener[] listeners;

	private RoutingListeners(List<RoutingListener> listeners) {
		this.listeners = listeners.toArray(RoutingListener[]::new);
	}

	static RoutingListener of(List<RoutingListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> RoutingListener.NONE;
			case 1 -> listeners.get(0);
			default -> new RoutingListeners(listeners);
		};
	}

	@Override
	public void poolCreated(Backend backend, HikariDataSource pool) {
		for (RoutingListener listener : this.listeners) {
			listener.poolCreated(backend, pool);
		}
	}

	@Override
	public void poolRetired(Backend backend, HikariDataSource pool) {
		for (RoutingListener listener : this.listeners) {
			listener.poolRetired(backend, pool);
		}
	}

	@Override
	public void poolClosed(Backend backend, HikariDataSource pool) {
		for (RoutingListener listener : this.listeners) {
			listener.poolClosed(backend, pool);
		}
	}

	@Override
	public void credentialsChanged(Backend backend, HikariDataSource pool) {
		for (RoutingListener listener : this.listeners) {
			listener.credentialsChanged(backend, pool);
		}
	}

	@Override
	public void readRouted(Backend standby) {
		for (RoutingListener listener : this.listeners) {
			listener.readRouted(standby);
		}
	}

	@Override
	public void readFellBackToMaster(ReadFallbackReason reason) {
		for (RoutingListener listener : this.listeners) {
			listener.readFellBackToMaster(reason);
		}
	}

	@Override
	public void standbySkipped(Backend standby) {
		for (RoutingListener listener : this.listeners) {
			listener.standbySkipped(standby);
		}
	}

	@Override
	public void standbySkippedForLag(Backend standby) {
		for (RoutingListener listener : this.listeners) {
			listener.standbySkippedForLag(standby);
		}
	}

	@Override
	public void standbyLagMeasured(Backend standby, @Nullable Duration lag, boolean lagging) {
		for (RoutingListener listener : this.listeners) {
			listener.standbyLagMeasured(standby, lag, lagging);
		}
	}

}

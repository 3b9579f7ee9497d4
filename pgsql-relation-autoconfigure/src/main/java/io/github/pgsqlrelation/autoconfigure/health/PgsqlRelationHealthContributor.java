package io.github.pgsqlrelation.autoconfigure.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.github.pgsqlrelation.relation.statefile.RelationStateWatcher;
import io.github.pgsqlrelation.routing.Backend;
import io.github.pgsqlrelation.routing.RoutingTopology;
import io.github.pgsqlrelation.routing.RoutingTopology.PoolStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

/**
 * The relation's health: a {@code relation} member for the readiness of the relation, and
 * one member per backend ({@code master}, {@code standby-<host>-<port>}) computed from
 * the routing's topology at every call, so that backends added or removed since start-up
 * show up at once.
 */
final class PgsqlRelationHealthContributor implements CompositeHealthContributor {

	static final String RELATION = "relation";

	private final RelationHealthIndicator relation;

	private final Supplier<RoutingTopology> topology;

	private final Duration timeout;

	PgsqlRelationHealthContributor(RelationStateWatcher watcher, Supplier<RoutingTopology> topology, Duration timeout) {
		this.relation = new RelationHealthIndicator(watcher);
		this.topology = topology;
		this.timeout = timeout;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		if (RELATION.equals(name)) {
			return this.relation;
		}
		RoutingTopology topology = this.topology.get();
		return backends(topology).filter((pool) -> name.equals(memberName(topology, pool.backend())))
			.findFirst()
			.map(this::indicator)
			.orElse(null);
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		RoutingTopology topology = this.topology.get();
		List<HealthContributors.Entry> entries = new ArrayList<>();
		entries.add(new HealthContributors.Entry(RELATION, this.relation));
		backends(topology).forEach((pool) -> entries
			.add(new HealthContributors.Entry(memberName(topology, pool.backend()), indicator(pool))));
		return entries.stream();
	}

	private BackendHealthIndicator indicator(PoolStatus pool) {
		return new BackendHealthIndicator(pool, this.timeout);
	}

	private static Stream<PoolStatus> backends(RoutingTopology topology) {
		PoolStatus master = topology.master();
		return Stream.concat((master != null) ? Stream.of(master) : Stream.empty(), topology.standbys().stream());
	}

	/**
	 * Names a member after its pool without the pool's prefix: {@code master},
	 * {@code standby-10.0.0.6-5432}.
	 */
	static String memberName(RoutingTopology topology, Backend backend) {
		String name = backend.name();
		String prefix = "pgsql-relation-" + topology.endpoint().replaceAll("[^A-Za-z0-9._-]", "-") + "-";
		return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
	}

}

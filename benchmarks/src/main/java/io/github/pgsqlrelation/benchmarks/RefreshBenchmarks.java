package io.github.pgsqlrelation.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.connection.JdbcConnection;
import io.github.pgsqlrelation.relation.DatabaseChangedEvent;
import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationEvents;
import io.github.pgsqlrelation.relation.statefile.StateFile;
import io.github.pgsqlrelation.relation.StandbyChangedEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The refresh path: what one change of the relation state file costs before the routing
 * sees it. The {@code refresh} benchmarks parse the file, apply the protocol's readiness
 * rules to the endpoint and derive the events against the state before, in which the last
 * standby was missing (so a {@link StandbyChangedEvent} and a
 * {@link DatabaseChangedEvent} come out, as in the {@code pgsql} library). The
 * {@code Unchanged} variant is the most common case: a hook rewrote the file with the
 * same data, and no event comes out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@State(Scope.Benchmark)
public class RefreshBenchmarks {

	private static final String KEYWORD_VALUE = "dbname=myapp host=10.252.20.109 password=Xq3vTn8sLw port=5432 user=relation-10";

	private static final String URI = "postgresql://relation-10:Xq3vTn8sLw@10.252.20.109:5432/myapp?sslmode=prefer";

	/**
	 * Canonical's postgresql charm: leader unit bag, three units, standbys comma-joined.
	 */
	private String canonical;

	private EndpointRelations canonicalBefore;

	private EndpointRelations canonicalNow;

	/** A pgsql v2 server: application bag, standbys one per line. */
	private String applicationBag;

	private EndpointRelations applicationBagBefore;

	private ConnectionString parsed;

	@Setup(Level.Trial)
	public void readStateFiles() throws IOException {
		this.canonical = resource("canonical-postgresql-leader-unit-bag.json");
		this.canonicalNow = endpoint(this.canonical);
		this.canonicalBefore = endpoint(without(this.canonical,
				",dbname=myapp host=10.252.20.92 password=Xq3vTn8sLw port=5432 user=relation-10"));
		this.applicationBag = resource("protocol-v2-application-bag.json");
		this.applicationBagBefore = endpoint(without(this.applicationBag,
				"\\ndbname=foo user=juju_myapp password='it\\\\'s complicated' host=prod3 port=5432"));
		this.parsed = ConnectionString.parse(KEYWORD_VALUE);
		// Fail now, not while measuring, if the samples no longer fit the names.
		requireStandbyChange(refreshCanonical(), 2);
		requireStandbyChange(refreshApplicationBag(), 2);
		if (!refreshCanonicalUnchanged().isEmpty()) {
			throw new IllegalStateException("The same state file gave events");
		}
	}

	@Benchmark
	public List<RelationEvent> refreshCanonical() {
		return RelationEvents.between(this.canonicalBefore, endpoint(this.canonical));
	}

	@Benchmark
	public List<RelationEvent> refreshCanonicalUnchanged() {
		return RelationEvents.between(this.canonicalNow, endpoint(this.canonical));
	}

	@Benchmark
	public List<RelationEvent> refreshApplicationBag() {
		return RelationEvents.between(this.applicationBagBefore, endpoint(this.applicationBag));
	}

	@Benchmark
	public ConnectionString parseKeywordValue() {
		return ConnectionString.parse(KEYWORD_VALUE);
	}

	@Benchmark
	public ConnectionString parseUri() {
		return ConnectionString.parse(URI);
	}

	@Benchmark
	public JdbcConnection toJdbc() {
		return this.parsed.toJdbc();
	}

	private static EndpointRelations endpoint(String json) {
		return StateFile.parse(json, "pgsql-relation.json").endpoint(Relations.ENDPOINT, null);
	}

	private static String without(String json, String part) {
		if (!json.contains(part)) {
			throw new IllegalStateException("The sample no longer contains " + part);
		}
		return json.replace(part, "");
	}

	private static void requireStandbyChange(List<RelationEvent> events, int standbys) {
		if (events.size() != 2 || !(events.get(0) instanceof StandbyChangedEvent change)
				|| !(events.get(1) instanceof DatabaseChangedEvent) || change.snapshot().standbys().size() != standbys
				|| change.snapshot().master() == null) {
			throw new IllegalStateException("Expected a change to " + standbys + " standbys, got " + events);
		}
	}

	private static String resource(String name) throws IOException {
		try (InputStream in = RefreshBenchmarks.class.getResourceAsStream("/state-files/" + name)) {
			if (in == null) {
				throw new IOException("No state file sample named " + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}

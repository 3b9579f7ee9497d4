package io.github.pgsqlrelation.relation.statefile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.relation.EndpointRelations;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import io.github.pgsqlrelation.relation.RelationStateException;
import org.jspecify.annotations.Nullable;

/**
 * The content of a relation state file, as the charm wrote it (see
 * {@code docs/relation-state.md}). Immutable; reading validates the whole file, so a
 * {@code StateFile} always follows the contract.
 */
public final class StateFile {

	private final String source;

	private final List<RelationEntry> relations;

	private StateFile(String source, List<RelationEntry> relations) {
		this.source = source;
		this.relations = List.copyOf(relations);
	}

	/**
	 * Reads and validates a state file of at most
	 * {@link StateFilePolicy#DEFAULT_MAX_SIZE} bytes, by the same rules as the watcher: a
	 * regular file, within the size limit, strict UTF-8.
	 * @throws RelationStateException when the file cannot be read or breaks the contract;
	 * the message names the file and where in it
	 */
	public static StateFile read(Path file) {
		StateFileContent content;
		try {
			content = StateFileLoader.load(file, StateFilePolicy.DEFAULT_MAX_SIZE);
		}
		catch (IOException ex) {
			throw new RelationStateException(StateFileProblems.describe(file, ex), ex);
		}
		return parse(content.text(), file.toString());
	}

	/**
	 * Parses and validates state file content; {@code source} names it in error messages.
	 */
	public static StateFile parse(String json, String source) {
		return new StateFile(source, StateFileReader.read(json, source));
	}

	/** Returns what names this state in messages, usually the file's path. */
	public String source() {
		return this.source;
	}

	/** Returns the relations of all endpoints, in the order of the file. */
	public List<RelationRef> relations() {
		return this.relations.stream().map(RelationEntry::ref).toList();
	}

	/**
	 * Applies each relation's interface readiness rules to the relations of one endpoint.
	 * @param endpoint the local endpoint name, e.g. {@code db}
	 * @param expectedDatabase the database the application expects, {@code null} for any
	 */
	public EndpointRelations endpoint(String endpoint, @Nullable String expectedDatabase) {
		List<RelationEntry> entries = this.relations.stream()
			.filter((relation) -> relation.ref().endpoint().equals(endpoint))
			.sorted(Comparator.comparingInt((RelationEntry relation) -> relation.ref().id()))
			.toList();
		List<RelationSnapshot> snapshots = entries.stream()
			.map(RelationEntry::snapshot)
			.map((snapshot) -> checkDatabase(snapshot, expectedDatabase))
			.toList();
		if (snapshots.isEmpty()) {
			return EndpointRelations.none(endpoint, "no " + endpoint + " relation");
		}
		if (snapshots.size() > 1) {
			// Writes could go to a backend nobody chose, so nothing is handed out
			String relations = snapshots.stream()
				.map(RelationSnapshot::relation)
				.map((ref) -> ref.id() + " (" + ref.remoteApp() + ")")
				.collect(Collectors.joining(", "));
			Readiness ambiguous = Readiness.ambiguous("Too many " + endpoint + " relations: " + relations);
			return new EndpointRelations(endpoint, snapshots, RelationSnapshot.empty(endpoint, ambiguous));
		}
		return new EndpointRelations(endpoint, snapshots, snapshots.get(0), entries.get(0));
	}

	private static RelationSnapshot checkDatabase(RelationSnapshot snapshot, @Nullable String expected) {
		if (expected == null) {
			return snapshot;
		}
		String database = databaseOf(snapshot);
		String problem = null;
		if (database != null && !database.equals(expected)) {
			problem = "relation " + snapshot.relation() + " is for database '" + database + "' but database '"
					+ expected + "' is expected";
		}
		else if (database == null && snapshot.readiness().isReady()) {
			problem = "relation " + snapshot.relation() + " does not say which database it is for, but database '"
					+ expected + "' is expected";
		}
		if (problem == null) {
			return snapshot;
		}
		return new RelationSnapshot(snapshot.endpoint(), snapshot.relation(), null, List.of(), snapshot.database(),
				snapshot.version(), Readiness.notReady(problem));
	}

	// A server may publish a connection string without announcing the database by name
	private static @Nullable String databaseOf(RelationSnapshot snapshot) {
		if (snapshot.database() != null) {
			return snapshot.database();
		}
		if (snapshot.master() != null) {
			return snapshot.master().get("dbname");
		}
		return snapshot.standbys().stream().map((standby) -> standby.get("dbname")).findFirst().orElse(null);
	}

	@Override
	public String toString() {
		return "StateFile[" + this.source + ", relations=" + relations() + "]";
	}

}

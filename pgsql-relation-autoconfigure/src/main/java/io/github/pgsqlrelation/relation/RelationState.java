package io.github.pgsqlrelation.relation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The content of a relation state file, as the charm wrote it (see
 * {@code docs/relation-state.md}). Immutable; reading validates the whole file, so a
 * {@code RelationState} always follows the contract.
 */
public final class RelationState {

	private final String source;

	private final List<StateRelation> relations;

	private RelationState(String source, List<StateRelation> relations) {
		this.source = source;
		this.relations = List.copyOf(relations);
	}

	/**
	 * Reads and validates a state file of at most
	 * {@link StateFilePolicy#DEFAULT_MAX_SIZE} bytes.
	 */
	public static RelationState read(Path file) {
		String source = file.toString();
		String json;
		try (InputStream in = Files.newInputStream(file)) {
			byte[] bytes = StateFileLoader.readAtMost(in, StateFilePolicy.DEFAULT_MAX_SIZE, file);
			// A strict decoder, so that a damaged file is reported rather than read with
			// replacement characters
			json = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
			if (json.startsWith("\uFEFF")) {
				json = json.substring(1);
			}
		}
		catch (NoSuchFileException ex) {
			throw new RelationStateException(source + ": does not exist", ex);
		}
		catch (CharacterCodingException ex) {
			throw new RelationStateException(source + ": is not valid UTF-8", ex);
		}
		catch (IOException ex) {
			throw new RelationStateException(source + ": cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
		}
		return parse(json, source);
	}

	/**
	 * Parses and validates state file content; {@code source} names it in error messages.
	 */
	public static RelationState parse(String json, String source) {
		return new RelationState(source, RelationStateReader.read(json, source));
	}

	/** Returns what names this state in messages, usually the file's path. */
	public String source() {
		return this.source;
	}

	/** Returns the relations of all endpoints, in the order of the file. */
	public List<RelationRef> relations() {
		return this.relations.stream().map(StateRelation::ref).toList();
	}

	/**
	 * Applies the {@code pgsql} protocol's readiness rules to the relations of one
	 * endpoint.
	 * @param endpoint the local endpoint name, e.g. {@code db}
	 * @param expectedDatabase the database the application expects, {@code null} for any
	 */
	public EndpointState endpoint(String endpoint, @Nullable String expectedDatabase) {
		List<RelationSnapshot> snapshots = this.relations.stream()
			.filter((relation) -> relation.ref().endpoint().equals(endpoint))
			.sorted(Comparator.comparingInt((StateRelation relation) -> relation.ref().id()))
			.map(RelationProtocol::snapshot)
			.map((snapshot) -> checkDatabase(snapshot, expectedDatabase))
			.toList();
		if (snapshots.isEmpty()) {
			return EndpointState.none(endpoint, "no " + endpoint + " relation");
		}
		if (snapshots.size() > 1) {
			// Writes could go to a backend nobody chose, so nothing is handed out
			String relations = snapshots.stream()
				.map(RelationSnapshot::relation)
				.map((ref) -> ref.id() + " (" + ref.remoteApp() + ")")
				.collect(Collectors.joining(", "));
			Readiness ambiguous = Readiness.ambiguous("Too many " + endpoint + " relations: " + relations);
			return new EndpointState(endpoint, snapshots, RelationSnapshot.empty(endpoint, ambiguous));
		}
		return new EndpointState(endpoint, snapshots, snapshots.get(0));
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
		return "RelationState[" + this.source + ", relations=" + relations() + "]";
	}

}

package io.github.pgsqlrelation.relation.postgresqlclient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.github.pgsqlrelation.relation.AuthenticationUpdatedEvent;
import io.github.pgsqlrelation.relation.DatabaseCreatedEvent;
import io.github.pgsqlrelation.relation.EndpointsChangedEvent;
import io.github.pgsqlrelation.relation.ReadOnlyEndpointsChangedEvent;
import io.github.pgsqlrelation.relation.RelationEntry;
import io.github.pgsqlrelation.relation.RelationEvent;
import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * One relation of the {@code postgresql_client} interface, as read from the state file.
 *
 * @param ref the relation
 * @param database the database this application requested
 * @param provider what the provider published, checked
 * @param snapshot what the relation hands out, by the interface's rules
 */
record ClientRelation(RelationRef ref, String database, ProviderData provider,
		RelationSnapshot snapshot) implements RelationEntry {

	/**
	 * Derives the events named after the data-platform library's requirer events
	 * (canonical/data-platform-libs {@code data_interfaces.py}): {@code database_created}
	 * when the relation's credentials and endpoint became usable (it was not in force
	 * before), else {@code endpoints_changed}, {@code read_only_endpoints_changed} and
	 * {@code authentication_updated} (library v1) for what changed. Unlike the library,
	 * which fires one event per hook, every change is told.
	 */
	@Override
	public List<RelationEvent> eventsSince(@Nullable RelationEntry previous, RelationSnapshot snapshot) {
		if (!(previous instanceof ClientRelation before) || before.ref.id() != this.ref.id()) {
			return List.of(new DatabaseCreatedEvent(snapshot));
		}
		List<RelationEvent> events = new ArrayList<>();
		if (!Set.copyOf(ClientProtocol.readWrite(before.provider))
			.equals(Set.copyOf(ClientProtocol.readWrite(this.provider)))) {
			events.add(new EndpointsChangedEvent(snapshot));
		}
		if (!Set.copyOf(before.provider.readOnlyEndpoints()).equals(Set.copyOf(this.provider.readOnlyEndpoints()))) {
			events.add(new ReadOnlyEndpointsChangedEvent(snapshot));
		}
		if (!Objects.equals(before.credentials(), credentials())) {
			events.add(new AuthenticationUpdatedEvent(snapshot));
		}
		return events;
	}

	/** Returns a digest of the user name and password: what tells a change of either. */
	private String credentials() {
		String user = Objects.requireNonNullElse(this.provider.credential("username"), "");
		String password = Objects.requireNonNullElse(this.provider.credential("password"), "");
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256")
					.digest((user + '\0' + password).getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return "ClientRelation[" + this.ref + ", database=" + this.database + ", " + this.provider + ", "
				+ this.snapshot + "]";
	}

}

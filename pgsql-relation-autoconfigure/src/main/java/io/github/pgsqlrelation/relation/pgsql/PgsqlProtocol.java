package io.github.pgsqlrelation.relation.pgsql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.github.pgsqlrelation.connection.ConnectionString;
import io.github.pgsqlrelation.relation.Readiness;
import io.github.pgsqlrelation.relation.RelationSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * The readiness rules of the {@code pgsql} protocol, as the Python library applies them:
 * a bag's {@code master} or {@code standbys} may be used only once the server has
 * mirrored what the client requested and granted the client's egress subnets.
 * <p>
 * Two deliberate differences from the Python library: remote units are searched in
 * natural name order ({@code postgresql/2} before {@code postgresql/10}) where the
 * library sorts names as plain strings, and {@code standbys} may also be comma-joined, as
 * Canonical's postgresql charm publishes them.
 */
final class PgsqlProtocol {

	private PgsqlProtocol() {
	}

	/** Returns what a relation in the raw shape hands out, by the protocol's rules. */
	static RelationSnapshot snapshot(RawRelation relation) {
		List<String> unready = new ArrayList<>();
		Bag masterBag = firstReady(relation, (bag) -> bag.master() != null, unready);
		Bag standbysBag = firstReady(relation, (bag) -> !bag.standbys().isEmpty(), unready);
		Bag used = (masterBag != null) ? masterBag : standbysBag;
		String endpoint = relation.ref().endpoint();
		String database = database(relation.requested(), used);
		String version = version(relation, used);
		if (used == null) {
			String reason = unready.isEmpty() ? "no remote bag publishes a master or standbys yet"
					: String.join("; ", new LinkedHashSet<>(unready));
			return new RelationSnapshot(endpoint, relation.ref(), null, List.of(), database, version,
					Readiness.notReady(reason));
		}
		ConnectionString master = (masterBag != null) ? masterBag.master() : null;
		List<ConnectionString> standbys = (standbysBag != null) ? standbysBag.standbys() : List.of();
		return new RelationSnapshot(endpoint, relation.ref(), master, standbys, database, version, Readiness.READY);
	}

	private static @Nullable Bag firstReady(RawRelation relation, Predicate<Bag> publishes, List<String> unready) {
		for (Bag bag : relation.bags()) {
			if (publishes.test(bag)) {
				String reason = unreadyReason(relation.requested(), relation.localUnit(),
						relation.localUnitData().getOrDefault("egress-subnets", ""), bag);
				if (reason == null) {
					return bag;
				}
				unready.add(reason);
			}
		}
		return null;
	}

	/**
	 * Returns why a bag is not ready, or {@code null} when it is.
	 * <p>
	 * An egress subnet is granted when the server lists it exactly (the Python library's
	 * rule) or lists a wider subnet that contains it, as the server's {@code pg_hba.conf}
	 * then lets it in.
	 */
	static @Nullable String unreadyReason(Requested requested, String localUnit, String egressSubnets, Bag bag) {
		// Same order as the Python library, which reports the first mismatch only
		String mismatch = requested.database().isEmpty() ? null : mismatch(bag, "database", requested.database());
		if (mismatch == null) {
			mismatch = mismatch(bag, "roles", requested.roles());
		}
		if (mismatch == null) {
			mismatch = mismatch(bag, "extensions", requested.extensions());
		}
		if (mismatch != null) {
			return mismatch;
		}
		Set<String> allowed = commaSeparated(bag.get("allowed-subnets"));
		Set<String> missing = new LinkedHashSet<>(commaSeparated(egressSubnets));
		missing.removeIf((egress) -> Subnet.granted(egress, allowed));
		if (!missing.isEmpty()) {
			return bag.name() + ": allowed-subnets does not grant egress subnet(s) " + String.join(",", missing)
					+ " of " + localUnit;
		}
		return null;
	}

	private static @Nullable String mismatch(Bag bag, String key, String requested) {
		String published = bag.get(key);
		if (published.equals(requested)) {
			return null;
		}
		return bag.name() + ": " + key + " requested '" + requested + "' but "
				+ (bag.data().containsKey(key) ? "published '" + published + "'" : "not yet published");
	}

	private static Set<String> commaSeparated(String value) {
		return Arrays.stream(value.split(","))
			.map(String::strip)
			.filter((item) -> !item.isEmpty())
			.collect(Collectors.toCollection(LinkedHashSet::new));
	}

	private static @Nullable String database(Requested requested, @Nullable Bag used) {
		if (!requested.database().isEmpty()) {
			return requested.database();
		}
		return (used != null) ? emptyToNull(used.get("database")) : null;
	}

	private static @Nullable String version(RawRelation relation, @Nullable Bag used) {
		if (used != null && !used.get("version").isEmpty()) {
			return used.get("version");
		}
		return relation.bags()
			.stream()
			.map((bag) -> bag.get("version"))
			.filter((version) -> !version.isEmpty())
			.findFirst()
			.orElse(null);
	}

	private static @Nullable String emptyToNull(String value) {
		return value.isEmpty() ? null : value;
	}

}

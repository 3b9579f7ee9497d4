package io.github.pgsqlrelation.autoconfigure.integration;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads and writes in every transaction setup, through JPA ({@code test.access=jpa}) or
 * JdbcTemplate, and tells where each statement ran.
 */
@Service
class SetupService {

	private static final String WHERE_AM_I = "SELECT inet_server_port(), pg_is_in_recovery()";

	private static final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);

	private final JdbcTemplate jdbc;

	private final boolean jpa;

	private final NestedSetupService nested;

	@PersistenceContext
	private EntityManager entityManager;

	SetupService(JdbcTemplate jdbc, @Value("${test.access:jdbc}") String access, @Lazy NestedSetupService nested) {
		this.jdbc = jdbc;
		this.jpa = "jpa".equals(access);
		this.nested = nested;
	}

	@Transactional(readOnly = true)
	Backend read() {
		return here();
	}

	@Transactional
	Backend write() {
		return insertAndTellWhere();
	}

	@Transactional(readOnly = true, isolation = Isolation.SERIALIZABLE)
	Backend readSerializable() {
		return here();
	}

	@Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
	Backend readRepeatable() {
		return here();
	}

	/** Where the outer write runs before, in and after a nested read-only transaction. */
	@Transactional
	List<Backend> writeAroundNestedRead() {
		Backend before = insertAndTellWhere();
		Backend inner = this.nested.readInNewTransaction();
		return List.of(before, inner, insertAndTellWhere());
	}

	/** Where the outer read runs before, in and after a nested write transaction. */
	@Transactional(readOnly = true)
	List<Backend> readAroundNestedWrite() {
		Backend before = here();
		Backend inner = this.nested.writeInNewTransaction();
		return List.of(before, inner, here());
	}

	/** A read-only method that joins the outer write transaction. */
	@Transactional
	List<Backend> writeAroundJoinedRead() {
		return List.of(insertAndTellWhere(), this.nested.readJoined());
	}

	/** A write that joins the outer read-only transaction. */
	@Transactional(readOnly = true)
	List<Backend> readAroundJoinedWrite() {
		return List.of(here(), this.nested.writeJoined());
	}

	/** A write around a suspended read-only scope without transaction. */
	@Transactional
	List<Backend> writeAroundNotSupportedRead() {
		Backend before = insertAndTellWhere();
		Backend inner = this.nested.readWithoutTransaction();
		return List.of(before, inner, insertAndTellWhere());
	}

	/** A read around a suspended scope without transaction that is not read-only. */
	@Transactional(readOnly = true)
	List<Backend> readAroundNotSupported() {
		Backend before = here();
		Backend inner = this.nested.withoutTransaction();
		return List.of(before, inner, here());
	}

	@Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
	List<Backend> supportsReadOnly() {
		return List.of(here(), here());
	}

	@Transactional(propagation = Propagation.SUPPORTS)
	List<Backend> supports() {
		return List.of(here(), here());
	}

	@Transactional(propagation = Propagation.NOT_SUPPORTED, readOnly = true)
	Backend notSupportedReadOnly() {
		return here();
	}

	/** Auto-commit writes with JdbcTemplate in a scope that is not read-only. */
	@Transactional(propagation = Propagation.SUPPORTS)
	Backend supportsWriteWithJdbc() {
		this.jdbc.update("INSERT INTO note (id, text) VALUES (?, 'supports')", ids.incrementAndGet());
		return jdbcHere();
	}

	/** No transaction, no synchronised scope. */
	Backend withoutTransaction() {
		return here();
	}

	/** Auto-commit write with JdbcTemplate, no transaction at all. */
	Backend writeWithoutTransaction() {
		this.jdbc.update("INSERT INTO note (id, text) VALUES (?, 'auto-commit')", ids.incrementAndGet());
		return jdbcHere();
	}

	Backend insertAndTellWhere() {
		long id = ids.incrementAndGet();
		if (this.jpa) {
			this.entityManager.persist(new Note(id, "note " + id));
			this.entityManager.flush();
		}
		else {
			this.jdbc.update("INSERT INTO note (id, text) VALUES (?, ?)", id, "note " + id);
		}
		return here();
	}

	Backend here() {
		if (this.jpa) {
			Object[] row = (Object[]) this.entityManager.createNativeQuery(WHERE_AM_I).getSingleResult();
			return new Backend(((Number) row[0]).intValue(), (Boolean) row[1]);
		}
		return jdbcHere();
	}

	private Backend jdbcHere() {
		return this.jdbc.queryForObject(WHERE_AM_I, (row, index) -> new Backend(row.getInt(1), row.getBoolean(2)));
	}

}

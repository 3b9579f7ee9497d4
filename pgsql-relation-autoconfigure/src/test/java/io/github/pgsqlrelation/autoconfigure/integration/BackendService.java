package io.github.pgsqlrelation.autoconfigure.integration;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads and writes the way application code does: JdbcTemplate and JPA, read-only
 * transactions marked as such.
 */
@Service
class BackendService {

	private static final String WHERE_AM_I = "SELECT inet_server_port(), pg_is_in_recovery()";

	private final JdbcTemplate jdbc;

	@PersistenceContext
	private EntityManager entityManager;

	BackendService(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional
	Backend writeWithJdbc(long id) {
		this.jdbc.update("INSERT INTO item (id) VALUES (?)", id);
		return jdbcBackend();
	}

	@Transactional(readOnly = true)
	Backend readWithJdbc() {
		return jdbcBackend();
	}

	@Transactional(readOnly = true)
	int countItems() {
		return this.jdbc.queryForObject("SELECT count(*) FROM item", Integer.class);
	}

	@Transactional
	Backend writeWithJpa(long id) {
		this.entityManager.persist(new Note(id, "note " + id));
		this.entityManager.flush();
		return jpaBackend();
	}

	@Transactional(readOnly = true)
	Backend readWithJpa(long id) {
		Note note = this.entityManager.find(Note.class, id);
		if (note == null) {
			throw new IllegalStateException("note " + id + " not found");
		}
		return jpaBackend();
	}

	private Backend jdbcBackend() {
		return this.jdbc.queryForObject(WHERE_AM_I, (row, index) -> new Backend(row.getInt(1), row.getBoolean(2)));
	}

	private Backend jpaBackend() {
		Object[] row = (Object[]) this.entityManager.createNativeQuery(WHERE_AM_I).getSingleResult();
		return new Backend(((Number) row[0]).intValue(), (Boolean) row[1]);
	}

}

package io.github.pgsqlrelation.autoconfigure.integration;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application as a new user writes one: Spring Data JPA, Spring MVC and the
 * starter, no JPA settings (so open-in-view is on), a service with a read-only and a
 * read-write transaction, and a controller that calls both in one request.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ OpenInViewApplication.NoteService.class, OpenInViewApplication.NoteController.class })
class OpenInViewApplication {

	private static final String WHERE_AM_I = "SELECT inet_server_port() || '/' || pg_is_in_recovery()";

	@Service
	static class NoteService {

		@PersistenceContext
		private EntityManager entityManager;

		@Transactional(readOnly = true)
		public String read() {
			return (String) this.entityManager.createNativeQuery(WHERE_AM_I).getSingleResult();
		}

		@Transactional
		public String write(String text) {
			this.entityManager.persist(new Note(System.nanoTime(), text));
			this.entityManager.flush();
			return (String) this.entityManager.createNativeQuery(WHERE_AM_I).getSingleResult();
		}

	}

	@RestController
	static class NoteController {

		private final NoteService notes;

		NoteController(NoteService notes) {
			this.notes = notes;
		}

		@GetMapping("/read-then-write")
		String readThenWrite() {
			String read = this.notes.read();
			String written = this.notes.write("x");
			return "read " + read + ", write " + written + ", read " + this.notes.read();
		}

	}

}

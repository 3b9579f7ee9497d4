package io.github.pgsqlrelation.demo;

import java.time.Instant;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes notes on the master and reads them wherever the routing sends read-only
 * transactions.
 */
@Service
class NoteService {

	private final NoteRepository notes;

	NoteService(NoteRepository notes) {
		this.notes = notes;
	}

	/** Creates the table on the master, the first time there is one. */
	@Transactional
	void prepare() {
		this.notes.createTableIfMissing();
	}

	/** Whether the server a read-only transaction reaches has the table. */
	@Transactional(readOnly = true)
	boolean tableVisible() {
		return this.notes.tableExists();
	}

	@Transactional
	Served write(String text) {
		long id = this.notes.insert(text);
		return new Served(this.notes.server(), id, Instant.now());
	}

	@Transactional(readOnly = true)
	Served read() {
		long newest = this.notes.newestId();
		return new Served(this.notes.server(), newest, Instant.now());
	}

	/**
	 * What a transaction did and which server did it.
	 *
	 * @param server the server, asked inside the transaction
	 * @param noteId the note written, or the newest note the server had
	 * @param time when the transaction finished
	 */
	record Served(NoteRepository.Server server, long noteId, Instant time) {

	}

}

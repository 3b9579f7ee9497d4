package io.github.pgsqlrelation.autoconfigure.integration;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row written through JPA.
 */
@Entity
@Table(name = "note")
class Note {

	@Id
	private long id;

	private String text;

	protected Note() {
	}

	Note(long id, String text) {
		this.id = id;
		this.text = text;
	}

	long getId() {
		return this.id;
	}

	String getText() {
		return this.text;
	}

}

package io.github.pgsqlrelation.relation.pgsql;

/**
 * What the client's leader requested on a relation; each value is the empty string when
 * not requested, as the protocol treats a missing value.
 *
 * @param database the requested database, empty for the server's default
 * @param roles comma-separated role names
 * @param extensions comma-separated extension names
 */
record Requested(String database, String roles, String extensions) {

	static final Requested DEFAULTS = new Requested("", "", "");

}

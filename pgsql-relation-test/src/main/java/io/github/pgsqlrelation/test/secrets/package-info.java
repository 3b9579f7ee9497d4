/**
 * Known secrets and a JUnit Jupiter extension that fails every test during which one of
 * them shows up in a log line, on the console or in an exception message.
 */
@NullMarked
package io.github.pgsqlrelation.test.secrets;

import org.jspecify.annotations.NullMarked;

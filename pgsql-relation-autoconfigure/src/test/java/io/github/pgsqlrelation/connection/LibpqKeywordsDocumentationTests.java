package io.github.pgsqlrelation.connection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The table of docs/libpq-keywords.md names every keyword the parser accepts. */
class LibpqKeywordsDocumentationTests {

	@Test
	void tableNamesEveryKeywordTheParserAccepts() throws IOException {
		String table = Files.readString(Path.of("..", "docs", "libpq-keywords.md"), StandardCharsets.UTF_8);
		assertThat(Keywords.KNOWN).allSatisfy((keyword) -> assertThat(table).contains("`" + keyword + "`"));
	}

}

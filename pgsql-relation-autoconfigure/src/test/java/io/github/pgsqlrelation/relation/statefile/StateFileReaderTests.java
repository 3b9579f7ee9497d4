package io.github.pgsqlrelation.relation.statefile;

import io.github.pgsqlrelation.relation.RelationRef;
import io.github.pgsqlrelation.relation.RelationStateException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StateFileReaderTests {

	private static final String RAW = """
			{
			  "version": 1,
			  "relations": [
			    {
			      "shape": "raw",
			      "endpoint": "db",
			      "relation-id": 10,
			      "remote-app": "postgresql",
			      "local-unit": "myapp/0",
			      "local-unit-data": {"egress-subnets": "10.0.0.1/32"},
			      "requested": {"database": "myapp"},
			      "remote-units-data": {
			        "postgresql/0": {"master": "dbname=myapp host=h password=Xq3vTn8sLw", "allowed-subnets": "10.0.0.1/32", "database": "myapp"}
			      }
			    }
			  ]
			}
			""";

	@TempDir
	Path directory;

	private static String failure(String json) {
		return assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> StateFile.parse(json, "state.json"))
			.actual()
			.getMessage();
	}

	@Test
	void readsAFile() throws IOException {
		Path file = Files.writeString(this.directory.resolve("state.json"), RAW);
		StateFile state = StateFile.read(file);
		assertThat(state.relations()).containsExactly(new RelationRef("db", 10, "postgresql"));
		assertThat(state.source()).isEqualTo(file.toString());
		assertThat(state.endpoint("db", null).effective().readiness().isReady()).isTrue();
	}

	@Test
	void readsAnEmptyRelationList() {
		assertThat(StateFile.parse("{\"version\": 1, \"relations\": []}", "s").relations()).isEmpty();
	}

	@Test
	void ignoresUnknownFieldsEverywhere() {
		String json = RAW
			.replace("\"version\": 1,", "\"version\": 1, \"written-at\": \"now\", \"extra\": {\"a\": [1]},")
			.replace("\"shape\": \"raw\",", "\"shape\": \"raw\", \"comment\": 42,")
			.replace("\"requested\": {", "\"requested\": {\"priority\": 3, ");
		assertThat(StateFile.parse(json, "s").endpoint("db", null).effective().readiness().isReady()).isTrue();
	}

	@Test
	void namesAMissingFileInTheError() {
		Path file = this.directory.resolve("missing.json");
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> StateFile.read(file))
			.withMessage("Relation state file " + file + " does not exist");
	}

	@Test
	void readsAFileThatStartsWithAByteOrderMark() throws IOException {
		Path file = Files.writeString(this.directory.resolve("state.json"), "\uFEFF" + RAW);
		assertThat(StateFile.read(file).relations()).hasSize(1);
	}

	@Test
	void rejectsAFileThatIsNotUtf8() throws IOException {
		Path file = this.directory.resolve("state.json");
		Files.write(file, new byte[] { '{', (byte) 0xC3, (byte) 0x28, '}' });
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> StateFile.read(file))
			.withMessage("Relation state file " + file + " is not valid UTF-8 (byte offset 1)");
	}

	@Test
	void refusesAFileLargerThanTheDefaultLimitWithoutReadingItAll() throws IOException {
		Path file = this.directory.resolve("state.json");
		try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
			sparse.setLength(1L << 32);
		}
		assertThatExceptionOfType(RelationStateException.class).isThrownBy(() -> StateFile.read(file))
			.withMessageContaining(file.toString())
			.withMessageContaining("too large");
	}

	@Test
	void rejectsAnEmptyFile() {
		assertThat(failure("")).startsWith("state.json: is empty");
		assertThat(failure(" \n ")).startsWith("state.json: is empty");
	}

	@Test
	void rejectsTruncatedJsonWithItsPosition() {
		assertThat(failure(RAW.substring(0, 200))).startsWith("state.json: is truncated or not valid JSON: ")
			.contains("end-of-input")
			.containsPattern("\\(line \\d+, column \\d+\\)$");
	}

	@Test
	void rejectsMalformedJsonWithoutQuotingItsContent() {
		String message = failure("{\"version\": 1, \"relations\": [], \"x\": Xq3vTn8sLw}");
		assertThat(message).startsWith("state.json: is not valid JSON: ")
			.contains("Unrecognized token '******'")
			.contains("token 'null'")
			.endsWith("(line 1, column 38)")
			.doesNotContain("Xq3vTn8sLw");
	}

	@Test
	void keepsMalformedJsonOutOfTheCauses() {
		assertThatExceptionOfType(RelationStateException.class)
			.isThrownBy(() -> StateFile.parse("{\"version\": 1, \"relations\": [], \"x\": Xq3vTn8sLw}", "state.json"))
			.withNoCause()
			.withMessageNotContaining("Xq3vTn8sLw");
	}

	@Test
	void rejectsJsonNestedTooDeeplyWithItsPosition() {
		String nested = "[".repeat(600) + "]".repeat(600);
		assertThat(failure("{\"version\": 1, \"relations\": " + nested + "}"))
			.startsWith("state.json: is not valid JSON: Document nesting depth (501) exceeds the maximum allowed")
			.endsWith("(line 1, column 529)");
	}

	@Test
	void rejectsATooLongNumberWithItsPosition() {
		assertThat(failure("{\"version\": " + "1".repeat(1200) + ", \"relations\": []}"))
			.startsWith("state.json: is not valid JSON: Number value length (1200) exceeds the maximum allowed")
			.contains("(line 1, column ");
	}

	@Test
	void rejectsContentAfterTheObject() {
		assertThat(failure("{\"version\": 1, \"relations\": []} {}")).startsWith("state.json: unexpected content");
	}

	@Test
	void rejectsDuplicateKeys() {
		assertThat(failure("{\"version\": 1, \"version\": 1, \"relations\": []}")).contains("Duplicate")
			.contains("line 1");
	}

	@Test
	void rejectsATopLevelThatIsNotAnObject() {
		assertThat(failure("[]")).isEqualTo("state.json: expected an object, found an array (line 1, column 1)");
	}

	@Test
	void rejectsAMissingVersion() {
		assertThat(failure("{\"relations\": []}"))
			.isEqualTo("state.json: version: required field is missing (in the top-level object at line 1, column 1)");
	}

	@Test
	void rejectsAnUnsupportedVersion() {
		assertThat(failure(RAW.replace("\"version\": 1", "\"version\": 2"))).isEqualTo(
				"state.json: version: version 2 is not supported; this reader supports version 1 only (line 2, column 14)");
	}

	@Test
	void rejectsAVersionThatIsNotAnInteger() {
		assertThat(failure(RAW.replace("\"version\": 1", "\"version\": \"1\"")))
			.isEqualTo("state.json: version: expected an integer, found a string (line 2, column 14)");
		assertThat(failure(RAW.replace("\"version\": 1", "\"version\": 1.5")))
			.startsWith("state.json: version: expected an integer, found a number");
	}

	@Test
	void rejectsRelationsThatAreNotAnArray() {
		assertThat(failure("{\"version\": 1, \"relations\": {}}"))
			.isEqualTo("state.json: relations: expected an array, found an object (line 1, column 29)");
	}

	@Test
	void rejectsAMissingRelationField() {
		assertThat(failure(RAW.replace("\"relation-id\": 10,", ""))).isEqualTo(
				"state.json: relations[0].relation-id: required field is missing (in relations[0] at line 4, column 5)");
	}

	@Test
	void rejectsAMissingRawField() {
		assertThat(failure(RAW.replace("\"local-unit\": \"myapp/0\",", "")))
			.startsWith("state.json: relations[0].local-unit: required field is missing");
	}

	@Test
	void rejectsAnUnknownShape() {
		assertThat(failure(RAW.replace("\"raw\"", "\"cooked\""))).isEqualTo(
				"state.json: relations[0].shape: unknown shape; expected \"raw\" or \"resolved\" (line 5, column 16)");
	}

	@Test
	void rejectsARelationIdThatIsNotAnInteger() {
		assertThat(failure(RAW.replace("\"relation-id\": 10", "\"relation-id\": \"10\"")))
			.isEqualTo("state.json: relations[0].relation-id: expected an integer, found a string (line 7, column 22)");
	}

	@Test
	void rejectsABagValueThatIsNotAString() {
		assertThat(failure(RAW.replace("\"10.0.0.1/32\"}", "[\"10.0.0.1/32\"]}"))).isEqualTo(
				"state.json: relations[0].local-unit-data.egress-subnets: expected a string, found an array (line 10, column 45)");
	}

	@Test
	void rejectsAUnitBagThatIsNotAnObject() {
		assertThat(failure(RAW.replace("\"postgresql/0\": {", "\"postgresql/0\": \"x\", \"y\": {")))
			.startsWith("state.json: relations[0].remote-units-data.postgresql/0: expected an object, found a string");
	}

	@Test
	void rejectsARequestedValueThatIsNotAString() {
		assertThat(failure(RAW.replace("{\"database\": \"myapp\"}", "{\"database\": 1}")))
			.startsWith("state.json: relations[0].requested.database: expected a string, found a number");
	}

	@Test
	void acceptsNullForOptionalValues() {
		String json = RAW.replace("{\"database\": \"myapp\"}", "{\"database\": \"myapp\", \"roles\": null}")
			.replace("\"local-unit\":", "\"remote-app-data\": null, \"local-unit\":");
		assertThat(StateFile.parse(json, "s").endpoint("db", null).effective().readiness().isReady()).isTrue();
	}

	@Test
	void rejectsAnInvalidConnectionStringWithItsKeyPathAndWithoutItsPassword() {
		String message = failure(RAW.replace("host=h password", "host=h nonsense=1 password"));
		assertThat(message)
			.startsWith("state.json: relations[0].remote-units-data.postgresql/0.master: invalid connection string: ")
			.endsWith("(line 13, column 36)")
			.doesNotContain("Xq3vTn8sLw");
	}

	@Test
	void rejectsAnInvalidStandbyWithItsKeyPathAndPosition() {
		String message = failure(RAW.replace("\"allowed-subnets\"",
				"\"standbys\": \"host=a password=Xq3vTn8sLw\\nhost=b password='Xq3vTn8sLw\", \"allowed-subnets\""));
		assertThat(message)
			.startsWith("state.json: relations[0].remote-units-data.postgresql/0.standbys: invalid connection string "
					+ "(standby 2 of 2): ")
			.doesNotContain("Xq3vTn8sLw");
	}

	@Test
	void rejectsAnInvalidResolvedStandbyWithItsIndex() {
		String json = StateFiles.file(StateFiles.resolved(11, "postgresql", "host=m", "host=a", "host=b port=x"));
		assertThat(failure(json)).startsWith("state.json: relations[0].standbys[1]: invalid connection string: ");
	}

	@Test
	void rejectsResolvedStandbysThatAreNotAnArray() {
		String json = "{\"version\":1,\"relations\":[{\"shape\":\"resolved\",\"endpoint\":\"db\",\"relation-id\":1,"
				+ "\"remote-app\":\"pg\",\"standbys\":\"host=a\"}]}";
		assertThat(failure(json)).startsWith(
				"state.json: relations[0].standbys: expected an array of strings, found a string (line 1, column 108)");
	}

	@Test
	void rejectsTheSameRelationIdTwice() {
		String json = StateFiles.file(StateFiles.resolved(11, "postgresql", "host=m"),
				StateFiles.resolved(11, "pg2", "host=n"));
		assertThat(failure(json))
			.startsWith("state.json: relations[1].relation-id: relation id 11 appears twice (also relations[0])");
	}

	@Test
	void treatsAnEmptyMasterAsNoMaster() {
		StateFile state = StateFiles.state(StateFiles.resolved(11, "postgresql", ""));
		assertThat(state.endpoint("db", null).effective().master()).isNull();
	}

}
